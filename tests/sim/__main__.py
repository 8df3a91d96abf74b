"""`PYTHONPATH=tests python -m sim --platforms hanweb,trs --port-base 0`: serve until Ctrl-C.

Prints the registry (config/sites.yaml entries for the live addresses) as YAML on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from .simulator import Simulator, available_platforms


def to_yaml(entries: list[dict[str, Any]]) -> str:
    """Minimal YAML for the registry (strings JSON-quoted, which YAML accepts)."""
    lines = ["sites:"]
    for entry in entries:
        first = True
        for key, value in entry.items():
            prefix = "  - " if first else "    "
            first = False
            if isinstance(value, list):
                lines.append(f"{prefix}{key}:")
                lines.extend(f"      - {json.dumps(v, ensure_ascii=False)}" for v in value)
            else:
                lines.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def parse_switches(items: list[str]) -> dict[str, Any]:
    """`--switch ruishu` / `--switch slow=0.5` / `--switch site-id:ruishu`."""
    out: dict[str, Any] = {}
    for item in items:
        target, _, rest = item.rpartition(":") if ":" in item else ("", "", item)
        key, _, raw = rest.partition("=")
        value: Any = True
        if raw:
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
        if target:
            out.setdefault(target, {})[key] = value
        else:
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="PYTHONPATH=tests python -m sim", description=__doc__)
    parser.add_argument(
        "--platforms", default="hanweb", help=f"comma list of {available_platforms()}"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port-base", type=int, default=0, help="0 = free ports")
    parser.add_argument(
        "--switch", action="append", default=[], help="hostility switch, repeatable"
    )
    parser.add_argument("--once", action="store_true", help="print the registry and exit")
    args = parser.parse_args(argv)
    platforms = tuple(p.strip() for p in args.platforms.split(",") if p.strip())
    sim = Simulator(
        platforms=platforms,
        seed=args.seed,
        switches=parse_switches(args.switch),
        port_base=args.port_base,
    )
    sim.start()
    try:
        sys.stdout.write(to_yaml(sim.registry()))
        sys.stdout.flush()
        if not args.once:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
