"""History: replay rebuilds what happened, verify catches any change to the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.clock import FakeClock
from engine.runtime.engine import Engine
from engine.store.db import Database

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


@pytest.fixture
def worked(engine: Engine, officers: Officers, clock: FakeClock) -> str:
    """A birth registration worked to the end with a rework loop on the way."""
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    steps = [
        ("tiep_nhan", officers.receiver, "approve", {}),
        ("tham_dinh", officers.justice, "approve", {}),
        ("ky_duyet", officers.leader, "return", {"reason": "Sai tên cha"}),
        ("tham_dinh", officers.justice, "approve", {"ghi_chu": "Đã sửa"}),
        ("ky_duyet", officers.leader, "approve", {}),
    ]
    for step, officer, decision, form in steps:
        clock.advance(timedelta(minutes=30))
        engine.tasks.complete(open_task(engine, code, step), officer, decision, form)
    clock.advance(timedelta(minutes=30))
    engine.runtime.return_result(code, officers.receiver)
    return code


def test_replay_rebuilds_the_stored_state(engine: Engine, worked: str) -> None:
    replayed = engine.history.replay(worked)
    assert replayed.state["status"] == "returned"
    assert len(replayed.events) == 7
    assert engine.history.verify(worked).ok


def test_replay_at_a_moment_shows_the_state_then(engine: Engine, worked: str) -> None:
    state = engine.history.replay(worked, at(7, 9, 15)).state  # signed off at 09:30
    assert state["status"] == "processing"
    assert [t["key"] for t in state["open_tasks"]] == ["ky_duyet@3"]
    later = engine.history.replay(worked, at(7, 9, 45)).state  # returned for rework
    assert [t["key"] for t in later["open_tasks"]] == ["tham_dinh@4"]


def test_replay_does_not_touch_live_rows(engine: Engine, worked: str) -> None:
    before = engine.runtime.get(worked)
    engine.history.replay(worked, at(7, 8, 30))
    assert engine.runtime.get(worked) == before


def test_verify_finds_an_altered_payload(engine: Engine, database: Database, worked: str) -> None:
    _sql(
        database,
        "UPDATE events SET payload = :p WHERE seq = 3",
        p='{"task": "ky_duyet@3", "decision": "approve", "user_id": 4, "form_data": {}}',
    )
    report = engine.history.verify(worked)
    assert [(f.seq, f.reason) for f in report.failures] == [
        (3, "the event was altered: its hash does not match its content")
    ]


def test_verify_finds_a_removed_last_event(engine: Engine, database: Database, worked: str) -> None:
    _sql(database, "DELETE FROM events WHERE seq = 7")
    (failure,) = engine.history.verify(worked).failures
    assert failure.reason == "the dossier's last event does not match its history (events removed?)"


def test_verify_finds_a_changed_dossier_row(
    engine: Engine, database: Database, worked: str
) -> None:
    _sql(database, "UPDATE dossiers SET status = 'refused'")
    (failure,) = engine.history.verify_all().failures
    assert failure.reason == "the stored dossier differs from its replay"


def test_verify_finds_a_rewritten_event_whose_hash_was_recomputed(
    engine: Engine, database: Database, worked: str
) -> None:
    from engine.audit.chain import event_hash

    events = engine.history.events(worked)
    forged = events[1]
    payload = dict(forged.payload, decision="approve")
    digest = event_hash(
        prev_hash=forged.prev_hash,
        dossier_code=worked,
        seq=forged.seq,
        occurred_at=forged.occurred_at.isoformat(),
        actor="ke_gian_lan",
        command=forged.command,
        payload=payload,
        state=forged.state_hash,
    )
    _sql(database, "UPDATE events SET actor = 'ke_gian_lan', hash = :h WHERE seq = 2", h=digest)
    (failure,) = engine.history.verify(worked).failures
    assert (failure.seq, failure.reason) == (3, "the chain is broken: previous hash does not match")


def test_control_sheet_lists_every_hand_over_with_its_timeliness(
    engine: Engine, worked: str
) -> None:
    sheet = engine.history.control_sheet(worked)
    assert [
        (row.step, row.from_person, [name for name, _ in row.to], row.timeliness) for row in sheet
    ] == [
        ("Tiếp nhận hồ sơ", "Nguyễn Thị Hồng Nhung", ["Tiếp nhận hồ sơ"], "on_time"),
        ("Tiếp nhận hồ sơ", "Trần Thị Thu", ["Thẩm định hồ sơ"], "on_time"),
        ("Thẩm định hồ sơ", "Lê Văn Bình", ["Ký duyệt"], "on_time"),
        ("Ký duyệt", "Nguyễn Văn An", ["Thẩm định hồ sơ"], "on_time"),
        ("Thẩm định hồ sơ", "Lê Văn Bình", ["Ký duyệt"], "on_time"),
        ("Ký duyệt", "Nguyễn Văn An", ["Trả kết quả"], "on_time"),
        ("Trả kết quả", "Trần Thị Thu", [], "on_time"),
    ]


def _sql(database: Database, statement: str, **params: object) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_another_process_verifies_the_history_with_definitions_read_back_from_the_database(
    engine: Engine, worked: str
) -> None:
    fresh = Engine(engine.database, engine.calendar, engine.organisation, engine.clock)
    assert fresh.history.verify_all().ok
    assert fresh.history.replay(worked).state == engine.history.replay(worked).state
