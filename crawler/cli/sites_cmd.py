"""`gongkai sites check`: validate the registry (and, with --probe, reach each start URL)."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

import click

from crawler.cli.context import App
from crawler.cli.output import dump_json, json_option


def probe(url: str, timeout: float = 15.0) -> str | None:
    """None when the URL answers (any HTTP status below 500), else the reason."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "gongkai-probe"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(1024)
        return None
    except urllib.error.HTTPError as exc:
        return None if exc.code < 500 else f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"unreachable: {getattr(exc, 'reason', exc)}"


@click.group("sites")
def sites_group() -> None:
    """Inspect the site registry."""


@sites_group.command("check")
@click.argument("file", default="config/sites.yaml", type=click.Path(exists=True,
                                                                     dir_okay=False))
@click.option("--probe", "do_probe", is_flag=True, help="Also fetch every start URL once.")
@json_option("JSON output: site counts and the list of problems.")
@click.pass_obj
def check_command(app: App, file: str, do_probe: bool, as_json: bool) -> None:
    """Report unknown platforms, bad region codes, duplicate ids (and unreachable URLs)."""
    from crawler.registry import read_registry

    entries, problems = read_registry(file)
    if do_probe:
        for entry in entries:
            for url in entry.start_urls:
                reason = probe(url)
                if reason:
                    problems.append(f"site {entry.id!r}: start URL {url} {reason}")
    enabled = sum(e.enabled for e in entries)
    if as_json:
        dump_json({"file": file, "sites": len(entries), "enabled": enabled,
                   "problems": problems, "ok": not problems})
    else:
        for problem in problems:
            click.echo(problem)
        click.echo(f"{len(entries)} site(s), {enabled} enabled, {len(problems)} problem(s)")
    if problems:
        sys.exit(1)


COMMANDS = [sites_group]
