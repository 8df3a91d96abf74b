"""The PostgreSQL run skips tests/extract (tests/conftest.py). That is only honest while those
tests cannot reach a database: they import nothing from the other stages or the database helpers,
and name no other stage's module or the database setting in a string (a subprocess running
`crawler.cli`, say). This test fails the moment one does, with the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support.db import BACKEND_INDEPENDENT, TESTS, backend_independent

OTHER_STAGES = ("crawler", "storage", "web", "sim", "support.db")
NAMED_IN_STRINGS = ("crawler.", "storage.", "GONGKAI_DB_URL", "gongkai")


def _reaches_a_database(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        for module in modules:
            if any(module == s or module.startswith(s + ".") for s in OTHER_STAGES):
                found.append(f"line {node.lineno}: imports {module}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for name in NAMED_IN_STRINGS:
                if name in node.value:
                    found.append(f"line {node.lineno}: names {name!r} in a string")
    return found


def _code_without_docstrings(path: Path) -> ast.AST:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            body[0] = ast.Pass()  # a docstring may mention any module by name
    return tree


FILES = sorted(p for folder in BACKEND_INDEPENDENT for p in folder.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_backend_independent_tests_cannot_reach_a_database(path: Path) -> None:
    assert backend_independent(path)
    assert _reaches_a_database(_code_without_docstrings(path)) == [], path


def test_the_guard_sees_a_database_import_and_a_cli_subprocess() -> None:
    bad = ast.parse(
        "from storage.db import make_engine\n"
        "import subprocess\n"
        "subprocess.run(['python', '-c', 'from crawler.cli import main; main()'])\n"
    )
    assert [f.split(":")[0] for f in _reaches_a_database(bad)] == ["line 1", "line 3"]
    assert FILES, "no backend-independent test files found: the split is misconfigured"


def test_the_split_names_only_paths_that_exist() -> None:
    """A renamed test file must not drop out of the PostgreSQL run unnoticed."""
    from support.db import BOTH_BACKENDS, STORED_STATE, split_backend

    assert [p for p in (*STORED_STATE, *BOTH_BACKENDS) if not p.exists()] == []
    assert split_backend(TESTS / "test_kill.py") == "both"
    assert split_backend(TESTS / "storage" / "test_end_to_end_archive.py") == "postgresql"
    assert split_backend(TESTS / "crawler" / "test_hostility.py") == "sqlite"
