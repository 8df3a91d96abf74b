"""The service: the database is opened and migrated on purpose, once, and never for a read
command pointed at a folder that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

import storage.db
from crawler.cli.context import App, MissingDataFolder
from crawler.service import Service
from storage.config import Paths


def _paths(folder: Path) -> Paths:
    return Paths(folder, f"sqlite:///{folder / 'gongkai.sqlite'}")


def test_opening_creates_the_schema(tmp_path: Path) -> None:
    service = Service.open(_paths(tmp_path))
    assert {"capture", "document", "extraction"} <= set(inspect(service.engine).get_table_names())


def test_an_app_opens_its_service_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = storage.db.init_db
    monkeypatch.setattr(
        storage.db, "init_db", lambda engine: (calls.append(engine), real(engine))[1]
    )
    app = App(_paths(tmp_path))
    assert calls == []  # making the App touches no database
    service = app.open()
    assert app.open() is service
    assert len(calls) == 1


def test_a_read_command_refuses_a_missing_folder_before_opening(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    app = App(_paths(missing), must_exist=True)
    with pytest.raises(MissingDataFolder):
        app.open()
    with pytest.raises(MissingDataFolder):
        app.open()  # asked again (each command's first use): still refused, still nothing made
    assert not missing.exists()
