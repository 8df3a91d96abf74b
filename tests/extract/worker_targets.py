"""Extraction stand-ins for the batch worker: behaviour chosen by the document's bytes."""

from __future__ import annotations

import os
import time


def by_content(data: bytes, *, name: str | None = None) -> dict:
    if data == b"hang":
        time.sleep(3600)
    if data == b"die":
        os._exit(3)
    if data == b"raise":
        raise ValueError("broken document")
    if data == b"hog":
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))
    return {"status": "ok", "pid": os.getpid(), "size": len(data), "metrics": [], "warnings": []}
