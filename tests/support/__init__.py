"""Helpers shared by test modules (not shipped in the wheel: tests/ is not a package root)."""
