"""Tình hình giải quyết hồ sơ: what happened to dossiers in a period, counted in SQL.

Every dossier of the period is counted exactly once on each side:

    carried over + received = resolved + refused + withdrawn + stopped + in progress at the end

* **carried over** (kỳ trước chuyển sang): received before the period, not ended
  before it;
* **received** (tiếp nhận mới): received in the period, by channel;
* **resolved** (đã giải quyết): the result was ready in the period (processing
  end), early, on time or late by :mod:`engine.reports.rules`;
* **refused, withdrawn, stopped**: ended that way in the period without a
  result (a refusal at reception is a refusal too, and is also shown apart);
* **in progress** (đang giải quyết) at the end of the period: not yet due, or
  overdue (the appointment passed while the clock was running, or the agency
  apologised);
* **supplement requests** and **apologies** made in the period (from the steps).

A dossier ends when its result is ready or, without a result, when it is
closed. Counts are grouped by (definition, agency) in the database; the
report rolls those groups up by procedure, unit, field and level.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Select, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.store.models import DossierRow, TaskRow

from .periods import Period
from .rules import SqlRules

__all__ = ["Counts", "Line", "GroupKey", "count_dossiers", "roll_up", "total", "open_during"]

D = DossierRow.__table__.c
T = TaskRow.__table__.c
GroupKey = tuple[int, str]  # (definition id, agency id)
CHANNELS = ("desk", "online", "post", "kiosk")


@dataclass(frozen=True)
class Counts:
    """The figures of one line of the report."""

    carried_over: int = 0
    received_desk: int = 0
    received_online: int = 0
    received_post: int = 0
    received_kiosk: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    refused: int = 0
    refused_at_reception: int = 0  # part of refused
    withdrawn: int = 0
    stopped: int = 0
    in_progress_not_due: int = 0
    in_progress_overdue: int = 0
    supplement_requests: int = 0
    apologies: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def received(self) -> int:
        return self.received_desk + self.received_online + self.received_post + self.received_kiosk

    @property
    def total(self) -> int:
        """Tổng số hồ sơ phải giải quyết: carried over and received."""
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_not_due + self.in_progress_overdue

    @property
    def ended_without_result(self) -> int:
        return self.refused + self.withdrawn + self.stopped

    @property
    def on_time_rate(self) -> float | None:
        """Tỷ lệ đúng hạn: early or on time among resolved, in percent; None when none resolved."""
        if not self.resolved:
            return None
        return 100 * (self.resolved_early + self.resolved_on_time) / self.resolved

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(
            received=self.received,
            total=self.total,
            resolved=self.resolved,
            in_progress=self.in_progress,
            on_time_rate=self.on_time_rate,
        )
        return values


@dataclass(frozen=True)
class Line:
    """One line of a report table: a procedure, a unit, a field or a level, with its counts."""

    key: str
    label: str
    counts: Counts


def count_dossiers(
    session: Session, period: Period, rules: SqlRules, agencies: Collection[str] | None = None
) -> dict[GroupKey, Counts]:
    """The period's counts per (definition, agency), from two grouped queries."""
    found: dict[GroupKey, dict[str, int]] = {}
    for row in session.execute(_dossier_query(period, rules, agencies)).mappings():
        found[(row["definition_id"], row["agency_id"])] = _dossier_counts(row)
    for row in session.execute(_step_query(period, agencies)).mappings():
        values = found.setdefault((row["definition_id"], row["agency_id"]), {})
        values["supplement_requests"] = int(row["supplement_requests"] or 0)
        values["apologies"] = int(row["apologies"] or 0)
    return {key: Counts(**values) for key, values in found.items()}


def roll_up(
    counts: Mapping[GroupKey, Counts], key_of: Callable[[GroupKey], tuple[str, str]]
) -> list[Line]:
    """Add the groups up by ``key_of(group) -> (key, label)``; lines sorted by key."""
    totals: dict[str, Counts] = {}
    labels: dict[str, str] = {}
    for group, value in counts.items():
        key, label = key_of(group)
        totals[key] = totals.get(key, Counts()) + value
        labels[key] = label
    return [Line(key, labels[key], totals[key]) for key in sorted(totals)]


def total(lines: Iterable[Counts]) -> Counts:
    result = Counts()
    for item in lines:
        result = result + item
    return result


# --- the queries ------------------------------------------------------------------------------


def _n(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def open_during(period: Period) -> ColumnElement[bool]:
    """Dossiers that were open at some moment of the period, and a few more: received before
    its end, and open or closed after its start (a result ready before the start is closed
    after it at the earliest). Served by ix_dossiers_report_window; every dossier a step of
    the period belongs to is among them (steps are done while their dossier is open)."""
    return and_(D.received_at < period.end, or_(D.closed_at.is_(None), D.closed_at >= period.start))


def _dossier_query(
    period: Period, rules: SqlRules, agencies: Collection[str] | None
) -> Select[Any]:
    start, end = period.start, period.end
    ended = func.coalesce(D.finished_at, D.closed_at)
    received = D.received_at >= start
    resolved = and_(D.finished_at >= start, D.finished_at < end)
    closed_without_result = and_(D.finished_at.is_(None), D.closed_at >= start, D.closed_at < end)
    in_progress = or_(ended.is_(None), ended >= end)
    waiting_with_time_left = and_(D.paused_at.is_not(None), D.remaining_minutes > 0)
    overdue_at_end = or_(D.apologised.is_(True), and_(D.due_at < end, not_(waiting_with_time_left)))
    columns = [
        D.definition_id,
        D.agency_id,
        _n(and_(D.received_at < start, or_(ended.is_(None), ended >= start))).label("carried_over"),
        *(_n(and_(received, D.channel == c)).label(f"received_{c}") for c in CHANNELS),
        _n(resolved).label("resolved"),
        _n(and_(resolved, rules.early())).label("resolved_early"),
        _n(and_(resolved, rules.late())).label("resolved_late"),
        _n(and_(closed_without_result, D.status == "refused")).label("refused"),
        # a refusal at reception never started its clock: it has no appointment
        _n(and_(closed_without_result, D.status == "refused", D.due_at.is_(None))).label(
            "refused_at_reception"
        ),
        _n(and_(closed_without_result, D.status == "withdrawn")).label("withdrawn"),
        _n(and_(closed_without_result, D.status == "stopped")).label("stopped"),
        _n(in_progress).label("in_progress"),
        _n(and_(in_progress, overdue_at_end)).label("in_progress_overdue"),
    ]
    query = (
        select(*columns)
        .where(open_during(period))  # a superset: the sums then count exactly
        .group_by(D.definition_id, D.agency_id)
    )
    if agencies is not None:
        query = query.where(D.agency_id.in_(sorted(agencies)))
    return query


def _dossier_counts(row: Mapping[Any, Any]) -> dict[str, int]:
    value = {key: int(row[key] or 0) for key in row if key not in ("definition_id", "agency_id")}
    in_progress = value.pop("in_progress")
    resolved = value.pop("resolved")
    value["in_progress_not_due"] = in_progress - value["in_progress_overdue"]
    value["resolved_on_time"] = resolved - value["resolved_early"] - value["resolved_late"]
    return value


def _step_query(period: Period, agencies: Collection[str] | None) -> Select[Any]:
    query = (
        select(
            D.definition_id,
            D.agency_id,
            _n(T.decision == "supplement").label("supplement_requests"),
            _n(and_(T.kind == "apology", T.status == "completed")).label("apologies"),
        )
        .select_from(TaskRow.__table__.join(DossierRow.__table__, D.id == T.dossier_id))
        .where(T.completed_at >= period.start, T.completed_at < period.end)
        .where(or_(T.decision == "supplement", T.kind == "apology"))
        .where(open_during(period))  # the join reads the window's dossiers, not the table
        .group_by(D.definition_id, D.agency_id)
    )
    if agencies is not None:
        query = query.where(D.agency_id.in_(sorted(agencies)))
    return query
