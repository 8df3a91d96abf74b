"""One `gongkai demo` run shared by the tests that read its output (a session fixture).

The demo is the slowest setup of the suite (the simulator, a crawl of every platform,
extraction, export); the end-to-end tests and the demo-summary test read the same run instead
of starting their own. Its database URL is set only while the demo runs, so no other test
sees it by accident; a test that calls the CLI on the demo's folder sets it itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from support.db import isolated_db_url


@dataclass(frozen=True)
class DemoRun:
    data: Path  # the data folder: archive/, export/, the SQLite file
    db_url: str
    stdout: str
    stderr: str


@contextmanager
def demo_run(data: Path) -> Iterator[DemoRun]:
    """Run the whole demo into `data`; yield what it printed; drop its database afterwards."""
    from crawler.cli import main

    with isolated_db_url(data) as url:
        previous = os.environ.get("GONGKAI_DB_URL")
        os.environ["GONGKAI_DB_URL"] = url
        try:
            result = CliRunner().invoke(main, ["--data", str(data), "demo"], catch_exceptions=False)
        finally:
            if previous is None:
                os.environ.pop("GONGKAI_DB_URL", None)
            else:
                os.environ["GONGKAI_DB_URL"] = previous
        assert result.exit_code == 0, result.output
        assert "gongkai demo summary" in result.stdout
        assert "reports found" in result.stdout and "values extracted" in result.stdout
        yield DemoRun(data, url, result.stdout, result.stderr)
