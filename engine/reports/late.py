"""Danh sách cán bộ, đơn vị làm chậm hồ sơ: who held up dossiers in a period.

The list the chairman receives each month: for every processing unit and
officer, the steps they completed late in the period (after the step's due
time) and the steps they still held overdue when the period ended, with how
many of those dossiers ended up late themselves and a few of their codes.
Only processing steps count: handing back a result that is ready (the last
step, opened when the result was ready) does not delay the dossier.
A step still overdue at the end is charged to whoever completed it later, or
to its assignee; an unclaimed one to the unit (no officer).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.store.models import DossierRow, TaskRow, UserRow

from .activity import open_during
from .periods import Period

__all__ = ["LateEntry", "UnitLateness", "LateList", "late_list", "CODES_SHOWN"]

D = DossierRow.__table__.c
T = TaskRow.__table__.c
CODES_SHOWN = 10
WORK_KINDS = ("step", "consultation")


@dataclass(frozen=True)
class LateEntry:
    """One officer (or a unit's unclaimed queue) and the steps they held up."""

    unit_id: str
    unit_name: str
    officer_id: int | None
    officer_name: str  # "" for steps nobody had claimed
    completed_late: int
    still_overdue: int
    dossiers_late: int  # of those steps' dossiers, how many the engine counts late
    codes: tuple[str, ...]  # up to CODES_SHOWN dossier codes, oldest due first

    @property
    def steps(self) -> int:
        return self.completed_late + self.still_overdue


@dataclass(frozen=True)
class UnitLateness:
    unit_id: str
    unit_name: str
    completed_late: int
    still_overdue: int
    dossiers_late: int
    officers: int  # officers on the list


@dataclass(frozen=True)
class LateList:
    entries: tuple[LateEntry, ...]  # most steps first
    units: tuple[UnitLateness, ...]


def late_list(
    session: Session,
    period: Period,
    unit_names: Mapping[str, str],
    agencies: Collection[str] | None = None,
) -> LateList:
    counts: dict[tuple[str, int | None], dict[str, Any]] = {}
    for row in session.execute(_completed_late(period, agencies)).mappings():
        counts[(row["unit_id"], row["officer_id"])] = dict(row)
    for row in session.execute(_still_overdue(period, agencies)).mappings():
        entry = counts.setdefault((row["unit_id"], row["officer_id"]), _empty(row))
        entry["still_overdue"] = int(row["still_overdue"])
        entry["dossiers_late"] = int(entry["dossiers_late"] or 0) + int(row["dossiers_late"] or 0)
    codes = _codes(session, period, agencies)
    entries = [
        LateEntry(
            unit_id=unit,
            unit_name=unit_names.get(unit, unit),
            officer_id=officer,
            officer_name=value["officer_name"] or "",
            completed_late=int(value.get("completed_late") or 0),
            still_overdue=int(value.get("still_overdue") or 0),
            dossiers_late=int(value["dossiers_late"] or 0),
            codes=tuple(codes.get((unit, officer), ())),
        )
        for (unit, officer), value in counts.items()
    ]
    entries.sort(key=lambda e: (-e.steps, e.unit_name, e.officer_name))
    return LateList(tuple(entries), _by_unit(entries))


def _empty(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {"officer_name": row["officer_name"], "completed_late": 0, "dossiers_late": 0}


def _by_unit(entries: list[LateEntry]) -> tuple[UnitLateness, ...]:
    units: dict[str, list[LateEntry]] = {}
    for entry in entries:
        units.setdefault(entry.unit_id, []).append(entry)
    summary = [
        UnitLateness(
            unit_id=unit,
            unit_name=items[0].unit_name,
            completed_late=sum(e.completed_late for e in items),
            still_overdue=sum(e.still_overdue for e in items),
            dossiers_late=sum(e.dossiers_late for e in items),
            officers=sum(1 for e in items if e.officer_id is not None),
        )
        for unit, items in units.items()
    ]
    summary.sort(key=lambda u: (-(u.completed_late + u.still_overdue), u.unit_name))
    return tuple(summary)


# --- the queries ------------------------------------------------------------------------------


def _late_done(period: Period) -> ColumnElement[bool]:
    return and_(
        T.status == "completed",
        T.completed_at >= period.start,
        T.completed_at < period.end,
        or_(T.late.is_(True), T.completed_at > T.due_at),
    )


def _overdue_at_end(period: Period) -> ColumnElement[bool]:
    return and_(
        T.created_at < period.end,
        T.due_at < period.end,
        or_(T.completed_at.is_(None), T.completed_at >= period.end),
    )


def _base(
    period: Period, officer: ColumnElement[Any], agencies: Collection[str] | None
) -> Select[Any]:
    tables = TaskRow.__table__.join(DossierRow.__table__, D.id == T.dossier_id).outerjoin(
        UserRow.__table__, UserRow.__table__.c.id == officer
    )
    # processing steps only: the hand-back of a result that was ready does not delay it
    processing = or_(D.finished_at.is_(None), T.created_at < D.finished_at)
    query = (
        select().select_from(tables).where(T.kind.in_(WORK_KINDS), processing, open_during(period))
    )
    if agencies is not None:
        query = query.where(D.agency_id.in_(sorted(agencies)))
    return query


def _completed_late(period: Period, agencies: Collection[str] | None) -> Select[Any]:
    officer = T.completed_by
    name = UserRow.__table__.c.full_name
    return (
        _base(period, officer, agencies)
        .add_columns(
            T.unit_id,
            officer.label("officer_id"),
            func.max(name).label("officer_name"),
            func.count().label("completed_late"),
            func.sum(case((D.overdue.is_(True), 1), else_=0)).label("dossiers_late"),
        )
        .where(_late_done(period))
        .group_by(T.unit_id, officer)
    )


def _still_overdue(period: Period, agencies: Collection[str] | None) -> Select[Any]:
    officer = func.coalesce(T.completed_by, T.assignee_id)
    name = UserRow.__table__.c.full_name
    return (
        _base(period, officer, agencies)
        .add_columns(
            T.unit_id.label("unit_id"),
            officer.label("officer_id"),
            func.max(name).label("officer_name"),
            func.count().label("still_overdue"),
            func.sum(case((D.overdue.is_(True), 1), else_=0)).label("dossiers_late"),
        )
        .where(_overdue_at_end(period))
        .group_by(T.unit_id, officer)
    )


def _codes(
    session: Session, period: Period, agencies: Collection[str] | None
) -> dict[tuple[str, int | None], list[str]]:
    officer = case(
        (_late_done(period), T.completed_by), else_=func.coalesce(T.completed_by, T.assignee_id)
    )
    ranked = (
        _base(period, officer, agencies)
        .add_columns(
            T.unit_id.label("unit_id"),
            officer.label("officer_id"),
            D.code.label("code"),
            func.row_number()
            .over(partition_by=(T.unit_id, officer), order_by=(T.due_at, D.code))
            .label("rank"),
        )
        .where(or_(_late_done(period), _overdue_at_end(period)))
        .subquery()
    )
    query = (
        select(ranked.c.unit_id, ranked.c.officer_id, ranked.c.code)
        .where(ranked.c.rank <= CODES_SHOWN)
        .order_by(ranked.c.unit_id, ranked.c.officer_id, ranked.c.rank)
    )
    codes: dict[tuple[str, int | None], list[str]] = {}
    for unit, officer_id, code in session.execute(query):
        shown = codes.setdefault((unit, officer_id), [])
        if code not in shown:  # two late steps of one dossier name it once
            shown.append(code)
    return codes
