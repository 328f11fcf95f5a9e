"""Every dossier of a period is counted once on each side of the report's balance."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from engine.reports.activity import count_dossiers, total
from engine.reports.periods import monthly
from engine.reports.rules import SqlRules
from engine.runtime.engine import Engine
from engine.store.models import DossierRow

from .conftest import VN

pytestmark = pytest.mark.postgres

ORIGIN = datetime(2026, 9, 1, tzinfo=VN)
HOURS = st.integers(min_value=0, max_value=24 * 90)
ENDINGS = st.sampled_from(["open", "result_ready", "returned", "refused", "withdrawn", "stopped"])


@st.composite
def dossiers(draw: st.DrawFn) -> dict[str, object]:
    received = ORIGIN + timedelta(hours=draw(HOURS))
    due = received + timedelta(hours=draw(st.integers(min_value=1, max_value=24 * 20)))
    ending = draw(ENDINGS)
    end = received + timedelta(hours=draw(st.integers(min_value=0, max_value=24 * 40)))
    later = end + timedelta(hours=draw(st.integers(min_value=0, max_value=24 * 10)))
    finished = end if ending in ("result_ready", "returned") else None
    closed = None if ending in ("open", "result_ready") else later if finished else end
    return {
        "received_at": received,
        "due_at": None if ending == "refused" and draw(st.booleans()) else due,
        "finished_at": finished,
        "closed_at": closed,
        "status": {"open": "processing"}.get(ending, ending),
        "channel": draw(st.sampled_from(["desk", "online", "post", "kiosk"])),
        "overdue": draw(st.booleans()),
        "apologised": draw(st.booleans()),
    }


def insert(engine: Engine, rows: list[dict[str, object]]) -> None:
    with engine.database.write() as session:
        session.execute(delete(DossierRow))
        for number, values in enumerate(rows):
            session.add(
                DossierRow(
                    code=f"000.31.36.H10-260901-{number:04d}",
                    definition_id=1,
                    procedure_code="1.001193",
                    agency_id="ubnd_xa",
                    applicant_name="Nguyễn Văn A",
                    applicant_search="nguyen van a",
                    applicant={},
                    state=b"",
                    **values,
                )
            )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(dossiers(), max_size=25), month=st.integers(min_value=9, max_value=12))
def test_carried_over_and_received_equal_ended_and_in_progress(
    engine: Engine, rows: list[dict[str, object]], month: int
) -> None:
    insert(engine, rows)
    period = monthly(2026, month)
    with engine.database.read() as session:
        rules = SqlRules(session.get_bind().dialect.name, VN, period.start)
        counts = total(count_dossiers(session, period, rules).values())
    ended = counts.resolved + counts.refused + counts.withdrawn + counts.stopped
    assert counts.carried_over + counts.received == ended + counts.in_progress
    received = sum(1 for r in rows if period.contains(r["received_at"]))  # type: ignore[arg-type]
    assert counts.received == received
