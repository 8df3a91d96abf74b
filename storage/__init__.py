"""Storage: the database (SQLModel), the WARC archive of originals, and their fixity."""

__version__ = "0.1.0"
