"""The auditor's workbench: a read-only web application over a gongkai data folder.

It reads through `storage/` and never writes to the database; nothing in `crawler/`,
`extract/` or `storage/` imports it (the `gongkai serve` command arrives as a plugin).
"""
