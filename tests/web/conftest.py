"""The workbench tests' data folder (built once per session) and a client over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from workbench_data import Built, build

from support.db import isolated_db_url


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    tmp = tmp_path_factory.mktemp("workbench")
    with isolated_db_url(tmp) as url:
        yield build(tmp / "data", url)


@pytest.fixture(scope="session")
def client(built: Built) -> Iterator[TestClient]:
    from web.app import create_app

    with TestClient(create_app(built.paths)) as c:
        yield c
