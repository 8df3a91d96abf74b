"""Extraction: a document's bytes -> the template's numbers, with provenance and doubts."""

from extract.api import extract_bytes, extract_parsed
from extract.contract import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "extract_bytes", "extract_parsed"]
