"""Archived bodies keep their Content-Encoding; readers get them decoded."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from storage.warc.payload import decode_content

BODY = "拱墅区2023年政府信息公开工作年度报告".encode() * 20


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", zlib.compress(BODY)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress(BODY)),
        ("identity", BODY),
        ("", BODY),
    ],
    ids=["gzip", "zlib-deflate", "raw-deflate", "br", "identity", "none"],
)
def test_every_encoding_we_accept_is_undone(encoding: str, wire: bytes) -> None:
    headers = [("Content-Type", "text/html"), ("Content-Encoding", encoding)] if encoding else []
    assert decode_content(headers, wire) == BODY


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_corrupt_body_is_one_kind_of_error(encoding: str) -> None:
    from storage.warc.payload import UndecodableBody

    with pytest.raises(UndecodableBody):
        decode_content([("Content-Encoding", encoding)], b"\x1f\x8b\x08 not really compressed")
