"""The SQL form of the timeliness rule agrees with the runtime's rule, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, case, literal, select

from engine.reports.rules import SqlRules, dossier_timeliness, index_timeliness
from engine.runtime.timeliness import Timeliness
from engine.store.db import Database
from engine.store.models import UtcDateTime

from .conftest import VN

pytestmark = pytest.mark.postgres

# Appointments at the end of a working day or at a round office time, results around them:
# the interesting cases are the same local day, the day before, and just after.
DUES = st.sampled_from(
    [datetime(2026, 12, 8, 17, tzinfo=VN), datetime(2026, 12, 9, 8, 30, tzinfo=VN)]
)
OFFSETS = st.integers(min_value=-3 * 24 * 60, max_value=2 * 24 * 60).map(
    lambda m: timedelta(minutes=m)
)


def sql_timeliness(
    database: Database, finished: datetime, due: datetime | None, overdue: bool
) -> str:
    with database.read() as session:
        rules = SqlRules(session.get_bind().dialect.name, VN, finished)
        f = literal(finished, UtcDateTime())
        d = literal(due, UtcDateTime())
        o = literal(overdue, Boolean())
        verdict = case(
            (rules.late(f, d, o), "late"), (rules.early(f, d, o), "early"), else_="on_time"
        )
        return str(session.scalar(select(verdict)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(due=DUES, offset=OFFSETS, overdue=st.booleans())
def test_sql_and_python_judge_every_result_alike(
    database: Database, due: datetime, offset: timedelta, overdue: bool
) -> None:
    finished = due + offset
    expected = dossier_timeliness(finished, due, overdue, VN)
    assert sql_timeliness(database, finished, due, overdue) == expected.value


def test_ready_the_evening_before_the_appointment_day_is_early(database: Database) -> None:
    due = datetime(2026, 12, 9, 8, 30, tzinfo=VN)
    finished = datetime(2026, 12, 8, 23, 59, tzinfo=VN)  # 16:59 UTC: the local day decides
    assert sql_timeliness(database, finished, due, False) == "early"


def test_without_an_appointment_a_result_is_on_time(database: Database) -> None:
    assert sql_timeliness(database, datetime(2026, 12, 8, 9, tzinfo=VN), None, False) == "on_time"


def test_more_than_one_supplement_request_is_late_for_the_index_only() -> None:
    due = datetime(2026, 12, 8, 17, tzinfo=VN)
    finished = datetime(2026, 12, 7, 9, tzinfo=VN)
    assert dossier_timeliness(finished, due, False, VN) is Timeliness.EARLY
    assert index_timeliness(finished, due, False, 1, VN) is Timeliness.EARLY
    assert index_timeliness(finished, due, False, 2, VN) is Timeliness.LATE
