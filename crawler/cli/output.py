"""What commands share to report: JSON on stdout, and tables aligned by display width.

Why one module: every reporting command takes `--json` and must print the same kind of JSON
(UTF-8 Chinese as is, dates as ISO strings); tables hold Chinese names, whose characters take
two terminal columns, so padding by `len()` misaligns them — `rich` measures display width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click


def dump_json(obj: Any) -> None:
    """`obj` as indented JSON on stdout (Chinese unescaped, anything else via str())."""
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def json_option(help_text: str = "JSON output.") -> Any:
    """The `--json` flag every reporting command takes (parameter name `as_json`)."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def console(stderr: bool = False) -> Any:
    """A rich Console on the current stdout (or stderr); no colours or wrapping when piped."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=not tty,
        width=None if tty else 200,
        no_color=not tty,
        emoji=False,
        markup=False,
    )


def render_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Iterable[str] = ()
) -> None:
    """Print a plain table: header, then rows, columns aligned by display width (CJK = 2)."""
    from rich import box
    from rich.table import Table

    aligned = set(right)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for name in columns:
        table.add_column(name, justify="right" if name in aligned else "left", no_wrap=True)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console().print(table)
