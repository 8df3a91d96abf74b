"""Orchestration jobs over a `crawler.service.Service`: what the CLI commands call.

crawl: one crawl run (crawler/runner.py's `run_crawl`), or a recorded failed run when it
cannot begin. extract_pending: extraction over the archive (documents without a current
extraction). export: the analyst's dataset; narrative: the prose it compares year to year.
"""
