"""The helpers others use: structured logs carry the run id; progress is a bar or log lines."""

from __future__ import annotations

import io
import json
import logging

from crawler.logs import event, get_logger, log_context, setup_logging
from crawler.progress import Progress, track


def test_json_logs_carry_the_context() -> None:
    stream = io.StringIO()
    setup_logging(json_lines=True, stream=stream, logger="gongkai.t1")
    log = get_logger("gongkai.t1")
    with log_context(run_id=42, site="sh-putuo"):
        event(log, "crawl started", urls=3)
    event(log, "outside")
    first, second = (json.loads(x) for x in stream.getvalue().splitlines())
    assert first["msg"] == "crawl started" and first["run_id"] == 42 and first["urls"] == 3
    assert first["site"] == "sh-putuo" and first["level"] == "info" and "ts" in first
    assert "run_id" not in second


def test_text_logs_are_key_value() -> None:
    stream = io.StringIO()
    setup_logging(json_lines=False, stream=stream, logger="gongkai.t2")
    with log_context(run_id=7):
        event(get_logger("gongkai.t2"), "done", level=logging.WARNING, failed=1)
    line = stream.getvalue().strip()
    assert "WARNING" in line and line.endswith("done run_id=7 failed=1")


def test_progress_on_a_terminal_draws_a_bar() -> None:
    out = io.StringIO()
    with Progress(total=4, label="extract", stream=out, tty=True) as bar:
        for status in ("ok", "ok", "error", "ok"):
            bar.advance(status=status)
    text = out.getvalue()
    assert "\r" in text and "[" + "#" * 30 + "]" in text
    assert text.rstrip().endswith("extract 4/4 (100%) error=1 ok=3")


def test_progress_elsewhere_logs_lines() -> None:
    stream = io.StringIO()
    setup_logging(json_lines=True, stream=stream, logger="gongkai.progress")
    out = io.StringIO()
    items = list(track(range(5), label="export", stream=out))
    assert items == [0, 1, 2, 3, 4] and "\r" not in out.getvalue()
    lines = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert lines[-1]["done"] == 5 and lines[-1]["total"] == 5 and lines[-1]["label"] == "export"
    assert lines[-1]["msg"].endswith("done")
