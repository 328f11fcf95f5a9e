"""Early, on time or late (trước hạn, đúng hạn, quá hạn), judged by the local calendar day."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = ["Timeliness", "classify"]


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


def classify(done: datetime, due: datetime | None, tz: ZoneInfo) -> Timeliness:
    """Late after the due moment; early when done on an earlier day; on time on the due day."""
    if due is None:
        return Timeliness.ON_TIME
    if done > due:
        return Timeliness.LATE
    if done.astimezone(tz).date() < due.astimezone(tz).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
