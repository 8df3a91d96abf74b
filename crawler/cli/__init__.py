"""The `gongkai` command line: one click group, one module per family of commands.

Command modules import their heavy dependencies inside the command so that
`gongkai extract FILE --json`, run once per document by scorers, starts fast.
"""

from __future__ import annotations

import importlib

import click

from crawler.cli.context import App

# Modules that contribute commands; each defines COMMANDS: list[click.Command].
COMMAND_MODULES = ("crawl_cmd", "extract_cmd", "export_cmd", "demo_cmd", "archive_cmd",
                   "ops_cmd", "sites_cmd")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data", envvar="GONGKAI_DATA", default="data", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the SQLite database and the "
              "archive (env GONGKAI_DATA). Env GONGKAI_DB_URL overrides the database.")
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
        except Exception as exc:  # noqa: BLE001 - any import error of an optional plugin
            click.echo(f"warning: command plugin {ep.name!r} not loaded: {exc}", err=True)
            continue
        if isinstance(command, click.Command):
            group.add_command(command, ep.name)
            added.append(ep.name)
    return added


add_plugin_commands(main)
