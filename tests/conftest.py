"""Shared fixtures: fresh databases on SQLite (always) and PostgreSQL (tests marked postgres)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.store.db import Database

from .databases import PostgresTemplate, SqliteTemplate, postgres_problem

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use `database` run on SQLite; those marked postgres also on PostgreSQL."""
    if "database" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres"):
            backends.append("postgresql")
        if metafunc.definition.get_closest_marker("postgres_only"):
            backends = ["postgresql"]
        metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    problem = postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: PostgreSQL is required)", pytrace=False)
        pytest.skip(problem)
    template = PostgresTemplate()
    yield template
    template.drop()


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    if backend == "postgresql":
        template: PostgresTemplate | SqliteTemplate = request.getfixturevalue("postgres_template")
    else:
        template = request.getfixturevalue("sqlite_template")
    with template.fresh() as fresh:
        yield fresh


@pytest.fixture
def database_url(database: Database) -> str:
    """The URL another process can use to reach the same database."""
    return database.engine.url.render_as_string(hide_password=False)
