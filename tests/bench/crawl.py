"""Crawl benchmark on the simulator, politeness off: pages/s, CPU ms per page, peak RSS.

`PYTHONPATH=tests python -m bench.crawl` crawls 10 and then 100 simulated Hanweb
district sites (each with its own main + OSS loopback hosts) into a throw-away data folder and
prints one row per size.  CPU and peak RSS are those of the crawl subprocess(es), read from
wait4() by the runner; the simulator's own CPU is not counted.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import yaml

from crawler.cli.context import App
from crawler.runner import POLITENESS_OFF, run_crawl
from sim import Simulator
from sim.hanweb import HanwebSite
from sim.switches import Hostility


def many_sites(count: int, seed: int = 0) -> Simulator:
    """A simulator serving `count` Hanweb sites (the facade builds one; more are added here)."""
    sim = Simulator(platforms=("hanweb",), seed=seed)
    sim.apps = [
        HanwebSite(
            site_id=f"hanweb-{n:03d}",
            name=f"模拟区{n:03d}人民政府",
            region_code=f"{330100 + n % 99:06d}",
            seed=seed + n,
            short=f"模拟{n:03d}区",
            webid=2000 + n,
        )
        for n in range(count)
    ]
    sim.hostility = {a.site_id: Hostility({}) for a in sim.apps}
    return sim


def bench(count: int) -> dict[str, Any]:
    with many_sites(count) as sim, tempfile.TemporaryDirectory() as tmp:
        sites = Path(tmp) / "sites.yaml"
        sites.write_text(yaml.safe_dump({"sites": sim.registry()}, allow_unicode=True), "utf-8")
        app = App.from_option(str(Path(tmp) / "data"))
        report = run_crawl(
            app.open(),
            sites_file=sites,
            allow_failures=True,
            parallel=1,
            settings_overrides={**POLITENESS_OFF, "LOG_LEVEL": "WARNING"},
        )
        truth = {(r.url, r.sha256) for r in sim.reports}
    pages = report["totals"]["pages_fetched"]
    wall = sum(p["wall_s"] for p in report["processes"])
    cpu = sum(p["cpu_s"] for p in report["processes"])
    return {
        "sites": count,
        "pages": pages,
        "reports": report["totals"]["reports_found"],
        "truth": len(truth),
        "ok": sum(s["outcome"] == "ok" for s in report["sites"].values()),
        "wall_s": wall,
        "pages_per_s": pages / wall if wall else 0.0,
        "cpu_ms_per_page": 1000 * cpu / pages if pages else 0.0,
        "peak_rss_mib": max(p["max_rss_kb"] for p in report["processes"]) / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="comma-separated site counts")
    args = parser.parse_args(argv)
    header = (
        "sites",
        "pages",
        "reports",
        "truth",
        "ok",
        "wall_s",
        "pages_per_s",
        "cpu_ms_per_page",
        "peak_rss_mib",
    )
    print("  ".join(f"{h:>15}" for h in header))
    for size in (int(s) for s in args.sizes.split(",")):
        row = bench(size)
        print(
            "  ".join(
                f"{row[h]:>15.1f}" if isinstance(row[h], float) else f"{row[h]:>15}" for h in header
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
