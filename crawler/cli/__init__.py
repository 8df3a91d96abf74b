"""The `gongkai` command line: one click group, one module per family of commands.

Command modules import their heavy dependencies inside the command so that
`gongkai extract FILE --json`, run once per document by scorers, starts fast.

Exit statuses (README, "The command line"): 0 success, 1 a failure or something to alert on
(one line on stderr, `Error: …`), 2 a usage error (bad option or argument), 143 a crawl
stopped by SIGTERM.  An unexpected exception is reported on one line too; set GONGKAI_DEBUG=1
for its traceback.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import click

from crawler.cli.context import App

DEBUG_ENV = "GONGKAI_DEBUG"


def package_version() -> str:
    try:
        return version("gongkai")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class GongkaiGroup(click.Group):
    """The root group: any exception a command did not expect becomes a one-line error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                raise
            detail = " ".join(str(exc).split()) or "no detail"
            raise click.ClickException(
                f"{type(exc).__name__}: {detail} (set {DEBUG_ENV}=1 for the traceback)"
            ) from exc


# Modules that contribute commands; each defines COMMANDS: list[click.Command].
COMMAND_MODULES = (
    "crawl_cmd",
    "extract_cmd",
    "export_cmd",
    "demo_cmd",
    "archive_cmd",
    "ops_cmd",
    "sites_cmd",
)


@click.group(cls=GongkaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_version(), "--version", "-V", prog_name="gongkai", message="%(prog)s %(version)s"
)
@click.option(
    "--data",
    "data",
    envvar="GONGKAI_DATA",
    default="data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the SQLite database and the "
    "archive (env GONGKAI_DATA). Env GONGKAI_DB_URL overrides the database.",
)
@click.pass_context
def main(ctx: click.Context, data: str) -> None:
    """gongkai: crawl, archive and extract government information-disclosure annual reports."""
    ctx.obj = App.from_option(data)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"crawler.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command family not written yet
        if _exc.name != f"crawler.cli.{_name}":
            raise
        continue
    for _command in _module.COMMANDS:
        main.add_command(_command)


PLUGIN_GROUP = "gongkai.commands"  # entry points contributing commands (e.g. web's `serve`)


def add_plugin_commands(group: click.Group) -> list[str]:
    """Add every command of the `gongkai.commands` entry-point group; return their names.

    Why entry points: a package such as web/ contributes `gongkai serve` without the crawler
    importing it. A plugin that fails to load must not take the other commands down: it is
    skipped with a one-line warning on stderr.
    """
    from importlib.metadata import entry_points

    added = []
    for ep in entry_points(group=PLUGIN_GROUP):
        if ep.name in group.commands:
            continue  # a built-in command keeps its name
        try:
            command = ep.load()
        except Exception as exc:
            click.echo(f"warning: command plugin {ep.name!r} not loaded: {exc}", err=True)
            continue
        if isinstance(command, click.Command):
            group.add_command(command, ep.name)
            added.append(ep.name)
    return added


add_plugin_commands(main)
