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


def test_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"gongkai {version('gongkai')}"


def test_every_reporting_command_takes_json() -> None:
    runner = CliRunner()
    for path in (["crawl"], ["runs"], ["coverage"], ["sites", "check"], ["schedule"]):
        result = runner.invoke(main, [*path, "--help"])
        assert "--json" in result.output, path


def test_usage_errors_exit_2_and_failures_exit_1_on_one_line(tmp_path) -> None:
    runner = CliRunner()
    usage = runner.invoke(main, ["--data", str(tmp_path), "runs", "--no-such-option"])
    assert usage.exit_code == 2 and "No such option" in usage.output

    @main.command("probe-crash", hidden=True)
    def crash() -> None:
        raise RuntimeError("disk\nfull")

    try:
        failed = runner.invoke(main, ["probe-crash"])
    finally:
        main.commands.pop("probe-crash")
    assert failed.exit_code == 1
    assert failed.output.strip().splitlines() == [
        "Error: RuntimeError: disk full (set GONGKAI_DEBUG=1 for the traceback)"
    ]


def test_unknown_site_id_lists_the_valid_ones(tmp_path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n"
        "  - {id: sh-putuo, name: 上海市普陀区人民政府, region_code: '310107', platform: hanweb,\n"
        "     start_urls: ['http://127.0.0.1:9/'], allow_private: true}\n"
        "  - {id: sh-xuhui, name: 上海市徐汇区人民政府, region_code: '310104', platform: hanweb,\n"
        "     start_urls: ['http://127.0.0.1:9/'], allow_private: true}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["--data", str(tmp_path / "d"), "crawl", "--sites", str(sites), "--site", "sh-putou"]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: unknown site id(s): sh-putou;")
    assert lines[0].endswith("sh-putuo, sh-xuhui") and "'" not in lines[0]
