"""Run one extraction in a child process with a time limit and a memory cap.

Crawled files are hostile by accident or design: zip bombs, PDFs that make pdfminer loop or
eat gigabytes, files far too large, truncated or encrypted files.  The batch must survive all
of them, so each extraction runs in a spawned child under RLIMIT_AS and a wall-clock timeout,
and every failure comes back as a contract dict with status "error" — this module never raises.

Cheap checks (size, zip directory, PDF trailer) run in the parent first: they need no parser
and turn the common hostile cases into precise messages without starting a child.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import multiprocessing as mp
import os
import zipfile
from typing import Any

from extract.contract import ERROR, new_result
from extract.detect import detect_format

MAX_BYTES = 100 * 1024 * 1024  # files above this are refused ("too large")
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of a DOCX's declared member sizes
ZIP_MAX_RATIO = 100.0  # uncompressed/compressed, for archives big enough to matter
ZIP_RATIO_MIN_BYTES = 20 * 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
PDF_EOF_WINDOW = 16 * 1024  # a complete PDF ends with %%EOF (plus a little trailing junk)

_EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx", "wps", "doc"},  # WPS and mislabelled .doc files are often DOCX inside
    "doc": {"doc", "wps", "dot"},
    "html": {"html", "htm", "shtml", "xhtml", "jsp", "php", "asp", "aspx"},
    "text": {"txt", "text"},
    "markdown": {"md", "markdown", "txt"},
    "image": {"png", "jpg", "jpeg", "gif", "tif", "tiff", "bmp"},
    "zip": {"zip"},
}


def error_result(
    message: str, *, name: str | None = None, fmt: str | None = None, status: str = ERROR
) -> dict[str, Any]:
    """A contract dict for a document that could not be extracted (never without a message).

    Its sha256 is None until `complete_contract` hashes the bytes (a file never read keeps it).
    """
    return new_result(status, sha256=None, fmt=fmt, error=message, name=name)


def complete_contract(result: dict[str, Any], data: bytes) -> dict[str, Any]:
    """Give a failure the document's sha256, and a result from a foreign `target` every key
    of the contract, so every `gongkai extract --json` answer has one shape."""
    if result.get("sha256") is None:
        result["sha256"] = hashlib.sha256(data).hexdigest()
    for key, value in new_result(ERROR, sha256=None, fmt=None).items():
        result.setdefault(key, value)
    return result


def preflight(data: bytes, *, max_bytes: int = MAX_BYTES) -> tuple[str, str | None]:
    """Return (format, refusal message or None) without parsing the document."""
    if len(data) > max_bytes:
        return "unknown", f"too large: {len(data)} bytes (limit {max_bytes})"
    fmt = detect_format(data)
    if fmt in ("docx", "zip"):
        return fmt, zip_refusal(data)
    if fmt == "pdf":
        return fmt, pdf_refusal(data)
    return fmt, None


def zip_refusal(data: bytes) -> str | None:
    """Refuse zip bombs by their central directory (declared sizes), before inflating."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"corrupt or truncated zip/DOCX: {exc}"
    if len(infos) > ZIP_MAX_MEMBERS:
        return f"zip bomb: {len(infos)} members"
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > ZIP_MAX_UNCOMPRESSED:
        return f"zip bomb: {total} bytes uncompressed (limit {ZIP_MAX_UNCOMPRESSED})"
    if total > ZIP_RATIO_MIN_BYTES and total / packed > ZIP_MAX_RATIO:
        return f"zip bomb: compression ratio {total / packed:.0f}:1"
    return None


def pdf_refusal(data: bytes) -> str | None:
    """A PDF without a trailing %%EOF was cut off in transfer: pages would be missing."""
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        return "truncated PDF (no %%EOF at the end of the file)"
    return None


def _extension(name: str | None) -> str | None:
    if not name or "." not in os.path.basename(name):
        return None
    return os.path.basename(name).rsplit(".", 1)[1].lower()


def type_mismatch(name: str | None, fmt: str) -> str | None:
    """Say when a file's name claims another type than its content (content wins)."""
    ext = _extension(name)
    if ext is None or fmt == "unknown":
        return None
    known = set().union(*_EXTENSIONS.values())
    if ext in known and ext not in _EXTENSIONS.get(fmt, set()):
        return f"file named .{ext} but its content is {fmt}; read as {fmt}"
    return None


DEFAULT_TARGET = "extract.api:extract_bytes"


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _child(conn: Any, data: bytes, name: str | None, memory_mb: int, target: str) -> None:
    """Child process body: cap memory, extract, send the dict (or the failure) back."""
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    try:
        extract_bytes = _load(target)
        result = extract_bytes(data, name=name)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("error", f"memory limit ({memory_mb} MB) exceeded"))
    except BaseException as exc:  # report anything, including SystemExit, as an error
        from extract.api import failure_message

        reason = getattr(exc, "reason", None) or failure_message(exc)
        status = getattr(exc, "status", ERROR)
        with contextlib.suppress(Exception):
            conn.send(("error", str(reason)[:500], status))
    finally:
        conn.close()


def extract_isolated(
    data: bytes,
    *,
    name: str | None = None,
    timeout: float = 60,
    memory_mb: int = 1024,
    max_bytes: int = MAX_BYTES,
    target: str = DEFAULT_TARGET,
) -> dict[str, Any]:
    """Extract ``data`` in a spawned child; always return a contract dict, never raise.

    ``target`` ("module:function") is the extraction to run; tests point it at hostile stubs.
    """
    try:
        fmt, refusal = preflight(data, max_bytes=max_bytes)
    except Exception as exc:  # defensive: preflight must not break the batch either
        return complete_contract(error_result(f"preflight failed: {exc}", name=name), data)
    if refusal:
        return complete_contract(error_result(refusal, name=name, fmt=fmt), data)
    mismatch = type_mismatch(name, fmt)
    try:
        result = _run_child(data, name, timeout, memory_mb, target)
    except Exception as exc:
        result = error_result(f"could not run the extraction: {exc}", fmt=fmt)
    if not isinstance(result, dict):
        result = error_result(f"extraction returned {type(result).__name__}, not a dict", fmt=fmt)
    if name is not None:
        result.setdefault("name", name)
    result.setdefault("format", fmt)
    if mismatch:
        result.setdefault("warnings", []).append({"message": mismatch, "keys": []})
    return complete_contract(result, data)


def _run_child(
    data: bytes, name: str | None, timeout: float, memory_mb: int, target: str
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, data, name, memory_mb, target), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            return error_result(f"timeout after {timeout:g}s")
        try:
            message = parent.recv()
        except (EOFError, OSError):
            proc.join(5)
            return _crash_result(proc.exitcode, memory_mb)
    finally:
        if proc.is_alive():
            proc.join(1)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        parent.close()
    if message[0] == "ok":
        return message[1]
    status = message[2] if len(message) > 2 else ERROR
    return error_result(message[1], status=status)


def _crash_result(exitcode: int | None, memory_mb: int) -> dict[str, Any]:
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == 9:
            return error_result(f"killed (signal 9): likely memory limit ({memory_mb} MB)")
        if sig == 11:
            return error_result("crash (segmentation fault) in a parser")
        return error_result(f"crash (signal {sig})")
    return error_result(f"crash (child exited with code {exitcode} without a result)")
