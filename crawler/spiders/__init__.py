"""Platform spiders: one module per CMS platform, named after the platform it crawls.

Adding a platform is one file here (a `ReportSpider` subclass whose `name` and `platform` equal
the module name, with a `fingerprint` for `platform: auto`) plus its fixtures; the registry's
platform list and auto-detection both read this folder, so nothing else needs editing.
"""

from __future__ import annotations

from pathlib import Path

# Modules of this package that are not a platform.
NOT_PLATFORMS = frozenset({"__init__", "base", "auto", "platforms"})


def platform_names() -> tuple[str, ...]:
    """Platform names, from the spider modules' file names (no import: the registry uses this)."""
    here = Path(__file__).resolve().parent
    return tuple(sorted(p.stem for p in here.glob("*.py") if p.stem not in NOT_PLATFORMS))
