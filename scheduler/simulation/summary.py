"""What the simulated year left in the database: outcomes, timers, leftovers, verification."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.audit.history import VerifyReport
from engine.definitions.executable import TaskKind
from engine.runtime.engine import Engine
from engine.store.models import DossierRow, EventRow, TaskRow, TimerRow

__all__ = ["Outcomes", "read_outcomes", "OUTCOME_LABELS"]

OUTCOME_LABELS = {
    "returned_on_time": "returned on time (trả đúng hạn)",
    "returned_late": "returned late (trả quá hạn)",
    "refused_at_reception": "refused at reception (từ chối tiếp nhận)",
    "refused": "refused after appraisal (từ chối giải quyết)",
    "withdrawn": "withdrawn (rút hồ sơ)",
    "stopped": "stopped (dừng xử lý)",
    "unfinished": "unfinished (chưa kết thúc)",
}


@dataclass
class Outcomes:
    dossiers: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    procedures: Counter[str] = field(default_factory=Counter)
    timers: Counter[str] = field(default_factory=Counter)  # fired, by kind
    with_supplement: int = 0
    apologised: int = 0
    open_tasks: int = 0  # steps, consultations, waits still open
    open_apologies: int = 0  # apology tasks still open (on closed dossiers: see below)
    pending_timers: int = 0
    events: int = 0

    @property
    def consistent(self) -> bool:
        """Every dossier closed, with no task still open and no timer still pending."""
        return (
            self.outcomes["unfinished"] == 0 and self.open_tasks == 0 and self.pending_timers == 0
        )


def read_outcomes(engine: Engine) -> Outcomes:
    found = Outcomes()
    with engine.database.read() as session:
        at_reception = set(
            session.scalars(
                select(EventRow.dossier_id).where(EventRow.command == "refuse_at_reception")
            )
        )
        rows = session.execute(
            select(
                DossierRow.id,
                DossierRow.status,
                DossierRow.overdue,
                DossierRow.channel,
                DossierRow.procedure_code,
                DossierRow.supplement_count,
                DossierRow.apologised,
            )
        ).all()
        for row in rows:
            found.dossiers += 1
            found.outcomes[_outcome(row.status, row.overdue, row.id in at_reception)] += 1
            found.channels[row.channel] += 1
            found.procedures[row.procedure_code] += 1
            found.with_supplement += row.supplement_count > 0
            found.apologised += bool(row.apologised)
        fired = session.execute(
            select(TimerRow.kind, func.count())
            .where(TimerRow.status == "fired")
            .group_by(TimerRow.kind)
        ).all()
        found.timers.update({kind: count for kind, count in fired})
        is_open = TaskRow.status == "open"
        apology = TaskRow.kind == TaskKind.APOLOGY.value
        found.open_tasks = _count(session, select(func.count()).where(is_open, ~apology))
        found.open_apologies = _count(session, select(func.count()).where(is_open, apology))
        found.pending_timers = _count(
            session, select(func.count()).where(TimerRow.status == "pending")
        )
        found.events = _count(session, select(func.count()).select_from(EventRow))
    return found


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _outcome(status: str, overdue: bool, at_reception: bool) -> str:
    if status == "returned":
        return "returned_late" if overdue else "returned_on_time"
    if status == "refused":
        return "refused_at_reception" if at_reception else "refused"
    if status in ("withdrawn", "stopped"):
        return status
    return "unfinished"


def verify_line(report: VerifyReport) -> str:
    if report.ok:
        return f"verify: {report.checked} dossiers verified: chains intact, replay matches"
    return f"verify: {len(report.failures)} of {report.checked} dossiers FAIL verification"
