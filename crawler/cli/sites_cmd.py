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
@click.argument("file", default="config/sites.yaml", type=click.Path(exists=True, dir_okay=False))
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
        dump_json(
            {
                "file": file,
                "sites": len(entries),
                "enabled": enabled,
                "problems": problems,
                "ok": not problems,
            }
        )
    else:
        for problem in problems:
            click.echo(problem)
        click.echo(f"{len(entries)} site(s), {enabled} enabled, {len(problems)} problem(s)")
    if problems:
        sys.exit(1)


@sites_group.command("list")
@click.argument("file", default="config/sites.yaml", type=click.Path(exists=True, dir_okay=False))
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
        rows += [
            (
                e.id,
                e.name,
                e.platform,
                "yes" if e.enabled else "no",
                e.region_code,
                " ".join(e.start_urls),
            )
            for e in entries
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            cells = [c + " " * (w - _width(c)) for c, w in zip(row[:5], widths, strict=True)]
            click.echo("  ".join([*cells, row[5]]))
    if problems:
        click.echo(
            f"{len(problems)} problem(s) in {file}: see `gongkai sites check {file}`", err=True
        )
        sys.exit(1)


def _echo_unsupported(found: list[tuple[str, str, str]]) -> None:
    """Pages of a platform recognised but not supported: the why, the page, the evidence."""
    for reason, page, shown in found:
        click.echo(f"NOT SUPPORTED: {reason}")
        click.echo(f"  page: {page}")
        click.echo(f"  evidence: {shown}")


def _width(text: str) -> int:
    """Terminal columns of `text` (CJK characters take two), to align the table."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@sites_group.command("explain")
@click.argument("url")
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between requests.",
)
@click.option(
    "--max-pages",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    help="At most this many fetches (report pages are never fetched).",
)
@click.option(
    "--allow-domain",
    "allowed",
    multiple=True,
    help="Another host the site's pages may be read from (repeatable).",
)
@click.option("--id", "site_id", default=None, help="Id for the printed registry entry.")
@click.option("--region-code", default=None, help="行政区划代码 for the printed entry.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="The site is on a private or loopback address (a test or simulated site).",
)
@click.option(
    "--all-candidates",
    is_flag=True,
    help="Also list rejected links whose titles are not report-like.",
)
def explain_command(
    url: str,
    delay: float,
    max_pages: int,
    allowed: tuple[str, ...],
    site_id: str | None,
    region_code: str | None,
    allow_private: bool,
    all_candidates: bool,
) -> None:
    """Walk a site from URL as `platform: auto` would and explain what it finds.

    Shows the detected platform and the text that gave it away, the path to the 年报 columns,
    the list pages, every candidate link accepted or rejected with the reason, and a registry
    entry ready for config/sites.yaml. Polite: robots.txt obeyed, one request at a time.
    """
    import yaml

    from crawler.explain import explain

    found = explain(
        url, delay=delay, max_pages=max_pages, allowed_domains=allowed, allow_private=allow_private
    )
    if found.refused:
        click.echo(f"cannot explain: {found.refused}", err=True)
        sys.exit(1)
    click.echo(f"platform: {found.platform} (home page: {found.home_platform})")
    _echo_unsupported(found.unsupported)
    click.echo(f"  evidence on the list pages: {found.evidence}")
    click.echo(f"  evidence on the home page: {found.home_evidence}")
    click.echo("pages visited:")
    for visit in found.visits:
        status = visit.status or "-"
        extra = f"  [{visit.platform}]" if visit.platform else ""
        note = f"  ({visit.note})" if visit.note and visit.role != "home" else ""
        click.echo(f"  {status} {visit.role:5} {visit.url}{extra}{note}")
    click.echo("年报 list pages and how they were reached:")
    if not found.list_pages:
        click.echo("  none found: no report link on any page visited")
    for page in found.list_pages:
        click.echo(f"  {page}")
        for step in found.path_to(page):
            click.echo(f"    <- {step.role:5} {step.via or '(start)'}: {step.url}")
    click.echo("candidate links:")
    shown: set[tuple[str, str]] = set()
    for cand in found.candidates:
        if (cand.title, cand.url) in shown:
            continue
        shown.add((cand.title, cand.url))
        if cand.report_like or all_candidates:
            mark = "ACCEPT" if cand.accepted else "reject"
            click.echo(f"  {mark} {cand.title} -> {cand.url} ({cand.reason})")
    hidden = sum(1 for c in found.candidates if not (c.report_like or all_candidates))
    if hidden:
        click.echo(f"  … {hidden} other link(s) rejected: not report-like (--all-candidates)")
    click.echo(f"{len(found.accepted)} report link(s) accepted. Registry entry:")
    entry = found.registry_entry(site_id=site_id, region_code=region_code)
    click.echo(yaml.safe_dump({"sites": [entry]}, allow_unicode=True, sort_keys=False).rstrip())
    if not region_code:
        click.echo("# set region_code to the site's 6-digit 行政区划代码 before use")
    if found.unsupported and not found.accepted:
        sys.exit(1)  # recognised, not supported: the crawl of this site would fail


COMMANDS = [sites_group]
