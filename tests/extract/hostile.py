"""Stand-ins for extract_bytes that misbehave, run by extract_isolated in its child process."""

from __future__ import annotations

import os
import time


def sleep_forever(data: bytes, *, name: str | None = None) -> dict:
    time.sleep(3600)
    return {}


def eat_memory(data: bytes, *, name: str | None = None) -> dict:
    hog = []
    while True:
        hog.append(bytearray(64 * 1024 * 1024))


def die(data: bytes, *, name: str | None = None) -> dict:
    os._exit(3)


def raise_reader_error(data: bytes, *, name: str | None = None) -> dict:
    from extract.readers import ReaderError

    raise ReaderError("encrypted PDF")


def echo(data: bytes, *, name: str | None = None) -> dict:
    return {"status": "ok", "name": name, "size": len(data), "metrics": [], "warnings": []}
