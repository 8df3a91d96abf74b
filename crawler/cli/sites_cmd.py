"""`gongkai sites check`: validate the registry (and, with --probe, reach each start URL);
`gongkai sites list`: print it."""

from __future__ import annotations

import json
import sys
import unicodedata
import urllib.error
import urllib.request

import click

from crawler.cli.context import App
from crawler.cli.output import dump_json, json_option


def probe(url: str, timeout: float = 15.0) -> str | None:
    """None when the URL answers (any HTTP status below 500), else the reason."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "gongkai-probe"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
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
    """Report every registry mistake with its line: unknown keys, wrong types, bad ids, region
    codes or platforms, duplicate ids, private/loopback URLs (and, with --probe, unreachable
    start URLs). Exits 1 on any problem; a crawl refuses such a registry."""
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


@sites_group.command("list")
@click.argument("file", default="config/sites.yaml", type=click.Path(exists=True,
                                                                     dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
def list_command(file: str, as_json: bool) -> None:
    """Print the registry: id, name, platform, enabled, region and start URLs of each site."""
    from crawler.registry import read_registry

    entries, problems = read_registry(file)
    if as_json:
        for entry in entries:
            click.echo(json.dumps(entry.as_dict(), ensure_ascii=False))
    else:
        rows = [("ID", "NAME", "PLATFORM", "ENABLED", "REGION", "START URLS")]
        rows += [(e.id, e.name, e.platform, "yes" if e.enabled else "no", e.region_code,
                  " ".join(e.start_urls)) for e in entries]
        widths = [max(_width(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            cells = [c + " " * (w - _width(c)) for c, w in zip(row[:5], widths, strict=True)]
            click.echo("  ".join([*cells, row[5]]))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {file}: see `gongkai sites check {file}`",
                   err=True)
        sys.exit(1)


def _width(text: str) -> int:
    """Terminal columns of `text` (CJK characters take two), to align the table."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


COMMANDS = [sites_group]
