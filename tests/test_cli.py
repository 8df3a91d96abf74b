"""The command line: every command answers --help, and the global --data option is honoured."""

from __future__ import annotations

import click
from click.testing import CliRunner

from crawler.cli import main
from crawler.cli.context import App


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


def test_core_commands_are_registered() -> None:
    names = set(main.commands)
    assert {"extract", "demo"} <= names


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for path, command in _all_commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        assert command.help, f"{' '.join(path)} has no help text"


def test_data_option_and_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("GONGKAI_DB_URL", raising=False)
    seen: list[App] = []

    @main.command("probe-data", hidden=True)
    @click.pass_obj
    def probe(app: App) -> None:
        seen.append(app)

    try:
        runner = CliRunner()
        assert runner.invoke(main, ["--data", str(tmp_path / "a"), "probe-data"]).exit_code == 0
        monkeypatch.setenv("GONGKAI_DATA", str(tmp_path / "b"))
        assert runner.invoke(main, ["probe-data"]).exit_code == 0
        monkeypatch.setenv("GONGKAI_DB_URL", "sqlite:///" + str(tmp_path / "x.sqlite"))
        assert runner.invoke(main, ["probe-data"]).exit_code == 0
    finally:
        main.commands.pop("probe-data")
    assert seen[0].paths.data == tmp_path / "a"
    assert seen[1].paths.data == tmp_path / "b"
    assert seen[1].paths.db_url.endswith("b/gongkai.sqlite")
    assert seen[2].paths.db_url == "sqlite:///" + str(tmp_path / "x.sqlite")
