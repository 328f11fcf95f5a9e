"""Pooled PostgreSQL connections across a lost server connection (a restart, a killed backend)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.store import db as db_module
from engine.store.db import Database

from ..databases import ADMIN_URL

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def pooled(database: Database) -> Iterator[Database]:
    """A database whose pool holds one connection, so every session gets the same one."""
    one = Database(database.url)
    one.engine.pool.dispose()
    yield one
    one.dispose()


def backend_pid(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(text("SELECT pg_backend_pid()")))


def kill_backend(pid: int) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_idle_in_the_pool_is_checked_and_replaced_when_lost(
    pooled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
    lost = backend_pid(pooled)
    kill_backend(lost)
    assert backend_pid(pooled) != lost  # pinged, found dead, reconnected: no error


def test_a_connection_lost_right_after_use_fails_once_then_is_replaced(
    pooled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 3600.0)  # never idle long enough
    lost = backend_pid(pooled)
    kill_backend(lost)
    with pytest.raises(OperationalError) as raised:
        backend_pid(pooled)
    assert raised.value.connection_invalidated
    assert backend_pid(pooled) != lost
