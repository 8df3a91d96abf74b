"""``python -m extract FILE [--json]``: print the extraction contract for one file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extract.api import extract_bytes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract")
    ap.add_argument("file")
    ap.add_argument("--json", action="store_true", help="print the JSON contract (default)")
    a = ap.parse_args(argv)
    path = Path(a.file)
    result = extract_bytes(path.read_bytes(), name=path.name)
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
