"""`python -m crawler.cli` = the `gongkai` command (used where the script is not on PATH)."""

from crawler.cli import main

main()
