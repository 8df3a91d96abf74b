"""The helpers others use: structured logs carry the run id; progress is a bar or log lines."""

from __future__ import annotations

import io
import json
import logging
import re

from crawler.logs import event, get_logger, log_context, setup_logging
from crawler.progress import Progress, stage, track


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
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # drop terminal controls
    final = [line for line in text.splitlines() if line.strip()][-1]
    assert final.startswith("extract") and "4/4" in final and "error=1 ok=3" in final
    assert "━" * 30 in final  # rich's bar, full


def test_a_stage_without_a_count_logs_its_start_and_end() -> None:
    stream = io.StringIO()
    setup_logging(json_lines=True, stream=stream, logger="gongkai.progress")
    with stage("export", stream=io.StringIO(), tty=False):
        pass
    lines = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert [x["msg"] for x in lines] == ["export started", "export done"]
    assert lines[-1]["label"] == "export" and "seconds" in lines[-1]


def test_progress_elsewhere_logs_lines() -> None:
    stream = io.StringIO()
    setup_logging(json_lines=True, stream=stream, logger="gongkai.progress")
    out = io.StringIO()
    items = list(track(range(5), label="export", stream=out))
    assert items == [0, 1, 2, 3, 4] and "\r" not in out.getvalue()
    lines = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert lines[-1]["done"] == 5 and lines[-1]["total"] == 5 and lines[-1]["label"] == "export"
    assert lines[-1]["msg"].endswith("done")
