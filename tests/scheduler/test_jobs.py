"""Periodic jobs run once per period, whatever the number of schedulers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.clock import FakeClock
from engine.runtime.engine import Engine
from engine.store.models import OutboxRow
from scheduler.jobs import claim_period, send_daily_digests

from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


def test_a_period_is_claimed_once(engine: Engine) -> None:
    claims = [
        engine.in_transaction(lambda s: claim_period(s, "daily_digest", "2026-12-08"))
        for _ in range(3)
    ]
    assert claims == [True, False, False]


def test_officers_with_overdue_or_due_work_get_one_digest_a_day(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.set(at(8, 7))  # Tuesday morning: the appraisal was due on Monday at noon
    assert send_daily_digests(engine) == 2  # both justice officers see it in their queue
    assert send_daily_digests(engine) == 0  # a second scheduler, the same morning
    with engine.database.read() as session:
        digests = list(
            session.scalars(select(OutboxRow).where(OutboxRow.template == "daily_digest"))
        )
    assert sorted(d.address for d in digests) == ["tuphap", "tuphap2"]
    assert digests[0].body.startswith("Ông/bà có 1 việc quá hạn và 0 việc đến hạn hôm nay")


def test_no_digest_on_a_day_off(engine: Engine, clock: FakeClock) -> None:
    clock.set(at(13, 7))  # Sunday
    assert send_daily_digests(engine) == 0
