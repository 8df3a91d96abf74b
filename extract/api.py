"""The extraction entry points: bytes (or a ParsedDocument) in, the JSON contract dict out.

Why: one function that every caller (CLI, pipeline, tests) uses, so the contract is produced
in exactly one place.  Output is deterministic: no timestamps, stable ordering.
"""

from __future__ import annotations

import hashlib
from typing import Any

from extract.cells import ParsedDocument
from extract.checks import narrative_checks, narrative_figures, table_checks
from extract.contract import (
    CHECK_FAIL,
    ERROR,
    NEEDS_OCR,
    NO_TABLES,
    NOT_A_REPORT,
    OK,
    PARTIAL,
    new_result,
)
from extract.mapping import Mapping, map_document
from extract.metadata import extract_metadata, looks_spam
from extract.template import keys_for, label_norm, table_of

_TEXT_FORMATS = ("text", "markdown")


def _detect(data: bytes) -> str:
    try:
        from extract.detect import detect_format
    except ImportError:
        return "text"
    return detect_format(data)


def _read(data: bytes, fmt: str) -> ParsedDocument:
    if fmt in _TEXT_FORMATS:
        from extract.readers.text import read_text

        return read_text(data, fmt)
    from extract.readers import read_document

    return read_document(data, fmt)


def extract_bytes(data: bytes, *, name: str | None = None, url: str | None = None) -> dict:
    """Detect the format, read, map and check one document."""
    sha = hashlib.sha256(data).hexdigest()
    fmt = "unknown"
    try:
        fmt = _detect(data)
        doc = _read(data, fmt)
    except MemoryError:
        raise  # the isolating child names its memory limit (and starts afresh)
    except Exception as exc:  # any reader failure becomes a contract status
        status = getattr(exc, "status", ERROR)  # a ReaderError names its contract status
        reason = getattr(exc, "reason", None) or failure_message(exc)
        out = new_result(status, sha256=sha, fmt=fmt, error=str(reason)[:300])
        out["warnings"].append({"message": f"document not read: {reason}"[:300], "keys": []})
        return out
    if url and not doc.meta.get("url"):
        doc.meta["url"] = url
    result = extract_parsed(doc, sha256=sha)
    result["format"] = fmt if fmt != "unknown" else doc.format
    return result


def failure_message(exc: BaseException) -> str:
    """A message that is never empty: `MemoryError()` and friends carry no text."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else f"{type(exc).__name__} (no message)"


def _is_report(doc: ParsedDocument, title: str | None) -> bool:
    text = label_norm((title or "") + doc.text[:20000])
    if "信息公开" not in text and "政务公开" not in text:
        return False
    return not (
        title
        and any(w in label_norm(title) for w in ("决算", "预算"))
        and "信息公开" not in label_norm(title)
    )


def _other_alternative(m: Mapping) -> list[str]:
    """When no （六） row was seen, its layout was assumed: name the other layout's keys too."""
    if m.other_known or m.template != "2021":
        return []
    return [k for k in keys_for("2021", not m.other_split) if k.startswith("app.result.other")]


def _map_with_figures(doc: ParsedDocument, year: int | None, figures: dict) -> Mapping:
    """Map, letting the 正文 figures settle digit runs only where the 正文 agrees with the table.

    A figure settles a run only by picking the reading it agrees with.  A 正文 that contradicts
    a cell of one table (收到申请75件 where 表三 prints 74) is not trusted to settle any run of
    that table: the document is mapped again without that table's figures, and the runs they
    settled stay null (named in a warning).
    """
    m = map_document(doc, year=year, narrative=figures)
    values = {k: mo.value for k, mo in m.metrics.items()}
    how = {k: mo.how for k, mo in m.metrics.items()}
    doubted = {
        table_of(k)
        for c in narrative_checks(figures, values, how)
        if c["status"] == CHECK_FAIL
        for k in c["keys"]
    }
    trusted = {f: v for f, v in figures.items() if table_of(f) not in doubted}
    # figures only ever choose among the readings of split or aligned cells
    settled = any(h in ("split", "aligned") and table_of(k) in doubted for k, h in how.items())
    if len(trusted) == len(figures) or not settled:
        return m
    m = map_document(doc, year=year, narrative=trusted)
    m.warn(
        f"正文 figures disagree with {'/'.join(sorted(doubted))}: not used to settle "
        "run-together digits there"
    )
    return m


def extract_parsed(doc: ParsedDocument, *, sha256: str) -> dict:
    """Map an already parsed document to the contract dict."""
    meta = extract_metadata(doc)
    out = new_result(OK, sha256=sha256, fmt=doc.format)
    out.update(meta)
    warnings: list[dict[str, Any]] = [dict(w) for w in doc.warnings]
    if doc.meta.get("needs_ocr") or doc.format == "image":
        out["status"] = NEEDS_OCR
        out["warnings"] = warnings + [{"message": "no text layer: needs OCR", "keys": []}]
        return out
    if not _is_report(doc, meta["title"]):
        out["status"] = NOT_A_REPORT
        out["warnings"] = warnings + [{"message": "not a 政府信息公开工作年度报告", "keys": []}]
        return out
    figures = narrative_figures(doc.text, meta["year"])
    m = _map_with_figures(doc, meta["year"], figures)
    out["template"] = m.template
    warnings += m.warnings
    metrics = []
    expected = keys_for(m.template, m.other_split) if m.template in ("2021", "2019") else []
    for key in expected:
        mo = m.metrics.get(key)
        if mo is not None:
            metrics.append(
                {
                    "key": key,
                    "value": mo.value,
                    "raw": mo.raw,
                    "location": mo.loc,
                    "table": table_of(key),
                }
            )
    out["metrics"] = metrics
    values = {k: mo.value for k, mo in m.metrics.items()}
    how = {k: mo.how for k, mo in m.metrics.items()}
    checks = table_checks(values, how, m.other_split) + narrative_checks(figures, values, how)
    out["checks"] = checks
    missing = [k for k in expected if k not in m.metrics]
    if m.tables_seen and missing:
        warnings.append(
            {
                "message": f"{len(missing)} template cells not found in the document",
                "keys": missing + _other_alternative(m),
            }
        )
    elif expected and not m.tables_seen:
        # a report whose tables were not found: every template cell is missing, and says so
        warnings.append(
            {
                "message": "no template table found: all cells missing",
                "keys": expected + _other_alternative(m),
            }
        )
    numbers = [x for x in metrics if x["value"] is not None]
    if m.template == "legacy":
        warnings.append(
            {"message": "pre-2019 (legacy) format: no template numbers stored", "keys": []}
        )
    spam = next((v for v in (meta["agency"], meta["title"]) if looks_spam(v)), None)
    if spam:
        out["status"] = NOT_A_REPORT
        warnings.append(
            {
                "message": f"publisher {spam!r} is not a government body (spam mirror?)",
                "keys": [x["key"] for x in metrics],
            }
        )
    elif not m.tables_seen:
        out["status"] = NO_TABLES
    elif not numbers and meta["year"] is None and meta["agency"] is None:
        out["status"] = NOT_A_REPORT
        warnings.append(
            {
                "message": "tables without a single number and no agency/year: "
                "a blank template form",
                "keys": [],
            }
        )
    elif not numbers:
        out["status"] = PARTIAL
        warnings.append({"message": "every table cell is empty", "keys": []})
    else:
        doubtful = {k for w in warnings for k in w.get("keys", [])}
        failed = any(c["status"] == CHECK_FAIL and c["culprit"] != "source" for c in checks)
        out["status"] = (
            PARTIAL
            if (
                missing
                or failed
                or any(x["key"] in doubtful and x["value"] is None for x in metrics)
            )
            else OK
        )
    out["warnings"] = warnings
    return out
