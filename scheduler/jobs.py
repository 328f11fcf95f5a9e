"""Periodic jobs: each runs once per period however many schedulers are running.

A job claims its period with a marker row (``job:<name>:<period>`` in the
counters table, inserted only if absent, in the job's own transaction), so a
second scheduler finds the period taken and does nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.notify.intents import Notification, user
from engine.runtime.engine import Engine
from engine.store.models import CounterRow, UserRow

__all__ = ["claim_period", "send_daily_digests", "WORK_ROLES"]

WORK_ROLES = {"officer", "head", "leader"}


def claim_period(session: Session, job: str, period: str) -> bool:
    """True for the one caller that runs ``job`` for ``period``."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(CounterRow)
        .values(key=f"job:{job}:{period}", value=1)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(CounterRow.key)
    )
    return session.connection().execute(statement).first() is not None


def send_daily_digests(engine: Engine, now: datetime | None = None) -> int:
    """Morning digest (Việc cần xử lý hôm nay) to every officer with work overdue or due today.

    Runs once per working day; returns how many officers were written to.
    """
    moment = now or engine.clock.now()
    tz: ZoneInfo = engine.tz
    day = moment.astimezone(tz).date()
    if not engine.calendar.is_working_day(day):  # type: ignore[attr-defined]
        return 0
    with engine.database.read() as session:
        people = [
            row
            for row in session.scalars(select(UserRow).where(UserRow.active.is_(True)))
            if WORK_ROLES & set(row.roles or [])
        ]
    from engine.runtime.users import User

    digests = []
    for row in people:
        counts = engine.tasks.counts(User.of(row).actor)
        if counts.overdue or counts.due_today:
            digests.append(
                Notification(
                    "daily_digest",
                    (user(row.id),),
                    {
                        "overdue": counts.overdue,
                        "due_today": counts.due_today,
                        "mine": counts.mine,
                        "queue": counts.unit_queue,
                        "day": day.strftime("%d/%m/%Y"),
                    },
                )
            )

    def work(session: Session) -> int:
        if not claim_period(session, "daily_digest", day.isoformat()):
            return 0
        engine.outbox.write(session, digests, dossier_id=None, seq=None, applicant=None, now=moment)
        return len(digests)

    return engine.in_transaction(work)
