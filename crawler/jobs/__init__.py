"""Orchestration jobs over a `crawler.service.Service`: what the CLI commands call.

extract_pending: extraction over the archive (documents without a current extraction).
The crawl itself is crawler/runner.py (`run_crawl`), which takes the same service.
"""
