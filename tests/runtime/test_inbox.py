"""The officer's inbox: what is due first, counts per bucket, keyset pages, search."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from engine.clock import FakeClock
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand
from engine.runtime.tasks import InboxFilter
from scheduler.sweep import sweep_once

from .conftest import BIRTH_PAPERS, Officers, at, open_task

pytestmark = pytest.mark.postgres

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Hoàng Đức", "Phạm Ngọc Ánh", "Đỗ Minh Quân"]


@pytest.fixture
def queue(engine: Engine, officers: Officers, clock: FakeClock) -> list[str]:
    """Five dossiers handed over to the justice unit an hour apart."""
    codes = []
    for name in NAMES:
        code = engine.runtime.receive(
            "1.001193", Applicant(name), officers.receiver, components=BIRTH_PAPERS
        ).dossier_code
        assert code is not None
        engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
        codes.append(code)
        clock.advance(timedelta(hours=1))
    return codes


def test_unit_queue_lists_unclaimed_tasks_due_first(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    page = engine.tasks.unit_queue(officers.justice)
    assert [t.dossier_code for t in page.items] == queue
    assert [t.due_at for t in page.items] == sorted(t.due_at for t in page.items)
    assert engine.tasks.unit_queue(officers.cadastral).items == []


def test_claimed_tasks_move_to_my_tasks(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    engine.tasks.claim(open_task(engine, queue[2], "tham_dinh"), officers.justice)
    assert [t.dossier_code for t in engine.tasks.my_tasks(officers.justice).items] == [queue[2]]
    assert queue[2] not in [
        t.dossier_code for t in engine.tasks.unit_queue(officers.justice_2).items
    ]


def test_pages_follow_each_other_without_gaps_or_repeats(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    seen, cursor = [], None
    while True:
        page = engine.tasks.unit_queue(officers.justice, cursor=cursor, limit=2)
        seen.extend(t.dossier_code for t in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == queue


def test_a_forged_cursor_is_a_clear_error(engine: Engine, officers: Officers) -> None:
    with pytest.raises(InvalidCommand):
        engine.tasks.unit_queue(officers.justice, cursor="not-a-cursor")


def test_counts_per_bucket(
    engine: Engine, officers: Officers, queue: list[str], clock: FakeClock
) -> None:
    clock.set(at(7, 15))  # four working hours each: due 13:30, 14:30, 15:30, 16:30, 17:00
    counts = engine.tasks.counts(officers.justice)
    assert (counts.overdue, counts.due_today, counts.unit_queue, counts.mine) == (2, 3, 5, 0)
    assert counts.due_this_week == 3
    assert counts.by_procedure == {"1.001193": 5}


@pytest.mark.parametrize("query", ["le hoang duc", "Lê Hoàng", "LÊ HOÀNG ĐỨC", "hoàng đức"])
def test_search_by_applicant_name_ignores_case_and_diacritics(
    engine: Engine, officers: Officers, queue: list[str], query: str
) -> None:
    found = engine.tasks.unit_queue(officers.justice, InboxFilter(query=query)).items
    assert [t.applicant_name for t in found] == ["Lê Hoàng Đức"]


def test_search_by_dossier_code_prefix(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    found = engine.tasks.unit_queue(officers.justice, InboxFilter(query=queue[3])).items
    assert [t.dossier_code for t in found] == [queue[3]]


def test_overdue_filter(
    engine: Engine, officers: Officers, queue: list[str], clock: FakeClock
) -> None:
    clock.set(at(7, 14))
    found = engine.tasks.unit_queue(officers.justice, InboxFilter(overdue_only=True)).items
    assert [t.dossier_code for t in found] == queue[:1]


def test_filter_by_dossier_status(
    engine: Engine, officers: Officers, queue: list[str], clock: FakeClock
) -> None:
    engine.tasks.claim(open_task(engine, queue[1], "tham_dinh"), officers.justice)
    clock.set(at(9, 8))  # past every appointment: the overdue timers mark the dossiers late
    sweep_once(engine)
    found = engine.tasks.my_tasks(officers.justice, InboxFilter(statuses=("late",))).items
    assert [t.dossier_code for t in found] == [queue[1]]
    others = engine.tasks.unit_queue(officers.justice, InboxFilter(statuses=("late",))).items
    assert [t.dossier_code for t in others] == [queue[0], *queue[2:]]
    processing = InboxFilter(statuses=("processing",))
    assert engine.tasks.unit_queue(officers.justice, processing).items == []


def test_a_nul_character_in_a_search_is_ignored(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    found = engine.tasks.unit_queue(officers.justice, InboxFilter(query="Lê\x00 Hoàng")).items
    assert [t.applicant_name for t in found] == ["Lê Hoàng Đức"]


def test_the_unit_queue_is_read_in_due_order_from_its_index(
    engine: Engine, officers: Officers, queue: list[str]
) -> None:
    """A page of the unit queue walks an index in due order: no sort of the unit's whole
    queue (at 100,000 open tasks that sort dominated; benchmarks/inbox_scale.py). PostgreSQL
    needs ix_tasks_unit_queue_unassigned for it: ``assignee_id IS NULL`` fixes no order."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine.database.engine, "before_cursor_execute", record)
    try:
        assert engine.tasks.unit_queue(officers.justice).items
    finally:
        event.remove(engine.database.engine, "before_cursor_execute", record)
    [(statement, parameters)] = [s for s in statements if "ORDER BY" in s[0]]
    plan = _plan(engine, statement, parameters)
    assert "tasks" in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    raw = engine.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.database.engine.dialect.name == "postgresql":  # as if the tables were big
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")  # a sort is then the last resort
            cursor.execute("EXPLAIN " + statement, parameters)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())
    finally:
        raw.rollback()
        raw.close()
