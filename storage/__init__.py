"""Storage: the database (SQLModel models, engine, migrations, crud) at this level, the WARC
archive of originals and its fixity in `storage.warc`, the analyst's dataset in `storage.export`."""

__version__ = "0.1.0"
