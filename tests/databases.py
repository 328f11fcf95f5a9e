"""Fresh databases for tests: a migrated SQLite file per test, a truncated PostgreSQL schema.

PostgreSQL runs for tests marked ``postgres`` when it answers at
MOTCUA_TEST_POSTGRES (default 127.0.0.1:5432, database ``test``); each test
session gets its own database so parallel runs do not collide. Under CI=true
an unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import text

import engine.store  # noqa: F401 - registers every model module
from engine.store.db import Database
from engine.store.migrate import upgrade
from engine.store.models import Base

ADMIN_URL = os.environ.get("MOTCUA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")


def postgres_problem() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {ADMIN_URL} is not reachable: {error}".strip()


class SqliteTemplate:
    """One migrated SQLite file, copied for each test (much faster than migrating each time)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "template.db"
        database = Database(f"sqlite:///{self.template}")
        upgrade(database)
        database.dispose()

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        database = Database(f"sqlite:///{path}")
        try:
            yield database
        finally:
            database.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresTemplate:
    """A database of its own for this test session, migrated once and truncated per test."""

    def __init__(self) -> None:
        self.name = f"motcua_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        base = ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}".replace("postgresql://", "postgresql+psycopg://", 1)
        database = Database(self.url)
        upgrade(database)
        database.dispose()

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        database = Database(self.url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        try:
            yield database
        finally:
            database.dispose()

    def drop(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
