"""The command path's writes (Core statements): one version step, the chain head, the guard."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.runtime.commands import Claim
from engine.runtime.engine import Engine
from engine.runtime.errors import VersionConflict
from engine.runtime.persistence import BY_CODE, BY_TASK, lock_dossier
from engine.store.models import DossierRow, EventRow, TaskRow, TimerRow

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, open_task

pytestmark = pytest.mark.postgres


@pytest.fixture
def code(engine: Engine, officers: Officers) -> str:
    received = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert received is not None
    return received


def stored(engine: Engine, code: str) -> DossierRow:
    with engine.database.read() as session:
        return engine.dossier_row(session, code)


def test_a_command_steps_the_version_once_and_stores_the_chain_head(
    engine: Engine, officers: Officers, code: str
) -> None:
    before = stored(engine, code)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    after = stored(engine, code)
    with engine.database.read() as session:
        last = session.scalars(
            select(EventRow).where(EventRow.dossier_id == after.id).order_by(EventRow.seq)
        ).all()[-1]
    assert after.version == before.version + 1
    assert (after.last_seq, after.last_hash) == (last.seq, last.hash)
    assert last.prev_hash == before.last_hash
    assert after.status != before.status or after.state != before.state
    assert engine.history.verify(code).ok


def test_tasks_and_timers_follow_the_command(engine: Engine, officers: Officers, code: str) -> None:
    task_id = open_task(engine, code, "tiep_nhan")
    engine.tasks.complete(task_id, officers.receiver)
    with engine.database.read() as session:
        done = session.get_one(TaskRow, task_id)
        row = engine.dossier_row(session, code)
        pending = session.scalars(
            select(TimerRow).where(TimerRow.dossier_id == row.id, TimerRow.status == "pending")
        ).all()
        open_keys = set(
            session.scalars(
                select(TaskRow.key).where(TaskRow.dossier_id == row.id, TaskRow.status == "open")
            )
        )
    assert (done.status, done.completed_by) == ("completed", officers.receiver.user_id)
    assert {t.task_key for t in pending if t.task_key} <= open_keys
    assert any(t.task_key in open_keys for t in pending)  # the appraisal's deadlines
    assert len({(t.kind, t.task_key, t.due_at) for t in pending}) == len(pending)


def test_a_row_written_meanwhile_is_a_version_conflict(
    engine: Engine, officers: Officers, code: str
) -> None:
    task = engine.tasks.get(open_task(engine, code, "tiep_nhan"))

    def work(session: Session) -> None:
        row = engine.dossier_row(session, code, lock=True)
        session.connection().execute(  # another writer got in after the row was read
            update(DossierRow).where(DossierRow.id == row.id).values(version=row.version + 1)
        )
        engine.apply_to_row(
            session, row, Claim(task.key, officers.receiver.user_id), officers.receiver
        )

    before = stored(engine, code)
    with pytest.raises(VersionConflict):
        engine.in_transaction(work)
    assert stored(engine, code).version == before.version  # nothing written
    assert len(engine.history.events(code)) == 1


def test_a_change_made_on_the_row_before_the_command_is_written_with_it(
    engine: Engine, officers: Officers, code: str
) -> None:
    task = engine.tasks.get(open_task(engine, code, "tiep_nhan"))

    def work(session: Session) -> None:
        row = engine.dossier_row(session, code, lock=True)
        row.received_by = "bưu điện"
        engine.apply_to_row(
            session, row, Claim(task.key, officers.receiver.user_id), officers.receiver
        )

    before = stored(engine, code)
    engine.in_transaction(work)
    after = stored(engine, code)
    assert after.received_by == "bưu điện"
    assert after.version > before.version and after.last_seq == before.last_seq + 1
    assert engine.history.verify(code).ok
    assert engine.tasks.get(task.id).assignee_id == officers.receiver.user_id


def test_locking_a_dossier_the_session_already_holds_gives_that_object_its_stored_values(
    engine: Engine, officers: Officers, code: str
) -> None:
    task_id = open_task(engine, code, "tiep_nhan")

    def work(session: Session) -> None:
        held = engine.dossier_row(session, code)  # read earlier in the same transaction
        session.connection().execute(  # stored meanwhile, behind the ORM's back
            update(DossierRow).where(DossierRow.id == held.id).values(received_by="bưu điện")
        )
        locked = lock_dossier(session, BY_TASK, {"task_id": task_id})
        assert locked is not None and locked.row is held
        assert (held.received_by, locked.task_key) == ("bưu điện", task.key)
        assert not session.dirty  # the fresh values are its stored state, not a change
        assert [t.id for t in locked.work.tasks] == [task_id]

    task = engine.tasks.get(task_id)
    engine.in_transaction(work)


def test_a_task_of_no_dossier_locks_nothing(engine: Engine) -> None:
    with engine.database.write() as session:
        assert lock_dossier(session, BY_TASK, {"task_id": 987654}) is None
        assert lock_dossier(session, BY_CODE, {"code": "KHONG-CO"}) is None
