"""Extraction: a document's bytes -> the template's numbers, with provenance and doubts."""

EXTRACTOR_VERSION = "0.3.0"

from extract.api import extract_bytes, extract_parsed  # noqa: E402

__all__ = ["EXTRACTOR_VERSION", "extract_bytes", "extract_parsed"]
