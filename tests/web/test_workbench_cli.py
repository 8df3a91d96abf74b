"""`gongkai serve` (a plugin command), the plugin loader, and the read-only database."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from workbench_data import Built

import crawler.cli as cli
import web.cli
from crawler.cli.context import App
from support.db import backend


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(
        web.cli, "run_server", lambda app, host, port: calls.append((app, host, port))
    )
    return calls


def test_serve_binds_loopback_by_default(built: Built, served: list[tuple]) -> None:
    result = CliRunner().invoke(web.cli.serve, [], obj=App(built.paths))
    assert result.exit_code == 0, result.output
    ((app, host, port),) = served
    assert (host, port) == ("127.0.0.1", 8700)
    assert "http://127.0.0.1:8700/" in result.output
    assert app.state.workbench.paths == built.paths


def test_serve_warns_when_listening_beyond_this_machine(built: Built, served: list[tuple]) -> None:
    result = CliRunner().invoke(
        web.cli.serve, ["--host", "0.0.0.0", "--port", "9000"], obj=App(built.paths)
    )
    assert result.exit_code == 0
    assert served[0][1:] == ("0.0.0.0", 9000)
    assert "reverse proxy" in result.output


@pytest.mark.skipif(backend() == "postgresql", reason="a missing SQLite file")
def test_serve_without_a_database_says_so(
    tmp_path: Path, served: list[tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GONGKAI_DB_URL", raising=False)
    result = CliRunner().invoke(web.cli.serve, [], obj=App.from_option(str(tmp_path / "none")))
    assert result.exit_code == 1
    assert "no database at" in result.output and "gongkai demo" in result.output
    assert not served
    assert not (tmp_path / "none").exists()  # serving never creates a data folder


def test_plugin_commands_join_the_main_group(monkeypatch: pytest.MonkeyPatch) -> None:
    good = EntryPoint("serve", "web.cli:serve", cli.PLUGIN_GROUP)
    broken = EntryPoint("broken", "web.no_such_module:cmd", cli.PLUGIN_GROUP)
    clash = EntryPoint("demo", "web.cli:serve", cli.PLUGIN_GROUP)
    seen = {}

    def fake_entry_points(*, group: str):  # type: ignore[no-untyped-def]
        seen["group"] = group
        return [good, broken, clash]

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    group = click.Group("g", commands={"demo": click.Command("demo")})
    added = cli.add_plugin_commands(group)
    assert seen["group"] == "gongkai.commands"
    assert added == ["serve"]
    assert group.commands["serve"] is web.cli.serve
    assert group.commands["demo"].callback is None  # a built-in keeps its name


def test_gongkai_serve_via_the_main_group(
    monkeypatch: pytest.MonkeyPatch, built: Built, served: list[tuple]
) -> None:
    monkeypatch.setattr(
        "importlib.metadata.entry_points",
        lambda *, group: [EntryPoint("serve", "web.cli:serve", group)],
    )
    group = click.Group("g")
    cli.add_plugin_commands(group)
    root = click.Group("root", commands=group.commands)
    result = CliRunner().invoke(root, ["serve", "--port", "8123"], obj=App(built.paths))
    assert result.exit_code == 0, result.output
    assert served[0][2] == 8123


def test_the_workbench_cannot_write_its_database(built: Built) -> None:
    from web.db import readonly_engine

    engine = readonly_engine(built.paths.db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM document")).scalar() > 0
        with (
            pytest.raises(Exception, match="(?i)read.?only|readonly|attempt to write"),
            engine.begin() as conn,
        ):
            conn.execute(text("UPDATE document SET title = 'changed'"))
    finally:
        engine.dispose()


def test_nothing_outside_web_imports_web() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root))
        for pkg in ("crawler", "extract", "storage")
        for p in (root / pkg).rglob("*.py")
        if any(
            line.lstrip().startswith(("import web", "from web"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
