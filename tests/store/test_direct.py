"""Statements run on the driver (engine.store.direct): the same values and errors as SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from engine.store.db import Database
from engine.store.direct import DirectStatement, WriteBatch, read_together
from engine.store.models import UtcDateTime

pytestmark = pytest.mark.postgres

PROBES = Table(
    "direct_probes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("number", Integer, unique=True),
    Column("note", String(100)),
    Column("at", UtcDateTime),
    Column("document", JSON),
    Column("flag", Boolean),
)
INSERT = DirectStatement.insert(PROBES, ("number", "note", "at", "document", "flag"))
BY_NUMBER = DirectStatement(select(PROBES).where(PROBES.c.number == bindparam("number")))
COUNT_FLAGGED = DirectStatement(
    select(PROBES.c.number).where(PROBES.c.flag.is_(True)).order_by(PROBES.c.number)
)
RENAME = DirectStatement(
    update(PROBES).where(PROBES.c.number == bindparam("number")).values(note=bindparam("note"))
)
HANOI = timezone(timedelta(hours=7))


@pytest.fixture
def probes(database: Database) -> Iterator[Database]:
    PROBES.create(database.engine)
    yield database
    PROBES.drop(database.engine)


def probe(number: int, **changes: Any) -> dict[str, Any]:
    row = {
        "number": number,
        "note": "Hồ sơ đăng ký khai sinh",
        "at": datetime(2026, 12, 7, 15, 30, tzinfo=HANOI),
        "document": {"tên": "Nguyễn Thị Ánh", "giấy tờ": ["CCCD", "giấy chứng sinh"]},
        "flag": True,
    }
    return row | changes


def in_transaction(database: Database, work: Any) -> Any:
    with database.write() as session:
        return work(session.connection())


def test_values_read_back_as_through_sqlalchemy(probes: Database) -> None:
    in_transaction(probes, lambda c: INSERT.execute(c, probe(1)))
    (direct,) = in_transaction(probes, lambda c: BY_NUMBER.rows(c, {"number": 1}))
    with probes.read() as session:
        through_sqlalchemy = session.execute(select(PROBES).where(PROBES.c.number == 1)).one()
    assert tuple(direct) == tuple(through_sqlalchemy)
    assert direct.at == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # stored and read as UTC
    assert direct.document["tên"] == "Nguyễn Thị Ánh"
    assert direct.flag is True


def test_a_batch_sends_every_write_and_counts_the_rows_each_changed(probes: Database) -> None:
    def work(connection: Connection) -> tuple[int, int]:
        batch = WriteBatch()
        batch.add(INSERT, [probe(1), probe(2, flag=False), probe(3)])
        renamed = batch.add_one(RENAME, {"number": 2, "note": "đã đổi"})
        missing = batch.add_one(RENAME, {"number": 9, "note": "không có"})
        batch.send(connection)
        return renamed.rowcount, missing.rowcount

    assert in_transaction(probes, work) == (1, 0)
    (renamed,) = in_transaction(probes, lambda c: BY_NUMBER.rows(c, {"number": 2}))
    assert renamed.note == "đã đổi"


def test_a_row_count_is_not_known_before_the_batch_is_sent() -> None:
    written = WriteBatch().add_one(RENAME, {"number": 1, "note": "x"})
    with pytest.raises(RuntimeError, match="not been sent"):
        _ = written.rowcount


def test_a_failed_write_in_a_batch_is_sqlalchemys_integrity_error_and_nothing_stays(
    probes: Database,
) -> None:
    in_transaction(probes, lambda c: INSERT.execute(c, probe(1)))

    def work(connection: Connection) -> None:
        batch = WriteBatch()
        batch.add(INSERT, [probe(2)])
        batch.add(INSERT, [probe(1)])  # the same number again
        batch.send(connection)

    with pytest.raises(IntegrityError):
        in_transaction(probes, work)
    numbers = in_transaction(probes, lambda c: COUNT_FLAGGED.rows(c, {}))
    assert [row.number for row in numbers] == [1]  # the transaction was rolled back whole


def test_reads_sent_together_come_back_in_order(probes: Database) -> None:
    in_transaction(probes, lambda c: INSERT.execute_many(c, [probe(1), probe(2, flag=False)]))
    first, flagged, none = in_transaction(
        probes,
        lambda c: read_together(
            c,
            (BY_NUMBER, {"number": 2}),
            (COUNT_FLAGGED, {}),
            (BY_NUMBER, {"number": 7}),
        ),
    )
    assert [row.number for row in first] == [2]
    assert [row.number for row in flagged] == [1]
    assert none == []
