"""The rules reports count by: early, on time or late, in SQL and for one dossier.

The rule is the runtime's (:func:`engine.runtime.timeliness.classify`): late
after the appointment, early when the result was ready on an earlier local day,
on time on the appointment day. A dossier also counts late when the engine
marked it overdue (its appointment passed while it was open, or the agency
apologised and set a new date: an apology admits the delay). The appointment
already moves by the time the clock was paused for a supplement, so supplement
waiting is subtracted. Decision 766 adds one rule of its own: more than one
supplement request counts late.

The SQL expressions below are the same rule for a whole table at once; a test
checks them against :func:`dossier_timeliness` on both databases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, cast, func, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.runtime.timeliness import Timeliness, classify
from engine.store.models import DossierRow

__all__ = [
    "dossier_timeliness",
    "index_timeliness",
    "SqlRules",
]

D = DossierRow.__table__.c


def dossier_timeliness(
    finished_at: datetime, due_at: datetime | None, overdue: bool, tz: ZoneInfo
) -> Timeliness:
    """Early, on time or late for a dossier whose result was ready at ``finished_at``."""
    if overdue:
        return Timeliness.LATE
    return classify(finished_at, due_at, tz)


def index_timeliness(
    finished_at: datetime,
    due_at: datetime | None,
    overdue: bool,
    supplement_count: int,
    tz: ZoneInfo,
) -> Timeliness:
    """Decision 766's reading: as above, and late after more than one supplement request."""
    if supplement_count > 1:
        return Timeliness.LATE
    return dossier_timeliness(finished_at, due_at, overdue, tz)


class SqlRules:
    """The rules as SQL over the dossiers table, for one database dialect and time zone."""

    def __init__(self, dialect: str, tz: ZoneInfo, reference: datetime):
        self.dialect = dialect
        self.tz = tz
        self._offset = reference.astimezone(tz).utcoffset()

    def local_day(self, column: ColumnElement[datetime]) -> ColumnElement[object]:
        """The local calendar day of a stored moment."""
        if self.dialect == "postgresql":
            return cast(func.timezone(self.tz.key, column), Date)
        # SQLite keeps UTC text; Asia/Ho_Chi_Minh has had one offset since 1975.
        minutes = int(self._offset.total_seconds() // 60) if self._offset else 0
        return func.date(column, f"{minutes:+d} minutes")

    def days_between(
        self, start: ColumnElement[datetime], end: ColumnElement[datetime]
    ) -> ColumnElement[Any]:
        """Calendar days (fractional) from ``start`` to ``end``."""
        if self.dialect == "postgresql":
            return func.extract("epoch", end - start) / 86400.0
        return func.julianday(end) - func.julianday(start)

    def late(
        self,
        finished: ColumnElement[Any] = D.finished_at,
        due: ColumnElement[Any] = D.due_at,
        overdue: ColumnElement[Any] = D.overdue,
    ) -> ColumnElement[bool]:
        """Late: marked overdue, or the result was ready after the appointment."""
        return or_(overdue.is_(True), and_(due.is_not(None), finished > due))

    def early(
        self,
        finished: ColumnElement[Any] = D.finished_at,
        due: ColumnElement[Any] = D.due_at,
        overdue: ColumnElement[Any] = D.overdue,
    ) -> ColumnElement[bool]:
        """Early: not late, and ready on a local day before the appointment's."""
        return and_(
            not_(self.late(finished, due, overdue)),
            due.is_not(None),
            self.local_day(finished) < self.local_day(due),
        )

    def index_late(self) -> ColumnElement[bool]:
        """Decision 766: late, or more than one supplement request."""
        return or_(self.late(), D.supplement_count > 1)
