"""The analyst's dataset: tables built from the database, written as files that describe themselves.

`tables` builds every exported table once (reports, listings, metrics, checks, coverage…) and
`writers` writes each per format (CSV, Parquet, JSONL, XLSX); `agency`, `listing_context` and
`measures` are the pure rules the rows are derived with (who published, what the crawl saw
around a report, timeliness and reuse); `dictionary` says what each column means and
`datapackage` turns that into the Frictionless `datapackage.json`; `index` hands the same report
rows (and a report's listings) to the workbench.  It reads the database and,
for listing context, decoded originals through storage.warc; it never writes either.
"""
