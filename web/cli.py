"""`gongkai serve`: the workbench, contributed to the CLI through the `gongkai.commands`
entry-point group (the crawler's CLI loads it; nothing outside web/ imports web)."""

from __future__ import annotations

import click

from storage.config import resolve


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. The default serves this machine only; to share the "
    "workbench put a reverse proxy (with authentication) in front of it.",
)
@click.option("--port", default=8700, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the read-only auditor's workbench over the data folder (reports, originals,
    sites, coverage, JSON)."""
    from web.app import create_app
    from web.db import DatabaseMissing

    paths = getattr(ctx.obj, "paths", None) or resolve(None)
    try:
        app = create_app(paths)
    except DatabaseMissing as exc:
        raise click.ClickException(f"{exc}; run `gongkai demo` or `gongkai crawl` first") from exc
    click.echo(f"gongkai workbench on http://{host}:{port}/ (data {paths.data}; read-only)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            "warning: listening beyond this machine; the workbench has no login — "
            "put it behind a reverse proxy that authenticates",
            err=True,
        )
    run_server(app, host, port)


def run_server(app, host: str, port: int) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [serve]
