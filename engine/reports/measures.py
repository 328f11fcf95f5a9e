"""Measures: the ratios KPIs and the Decision 766 index are made of, per agency, in SQL.

A measure is a function ``(session, query) -> {agency id: Ratio}`` registered
under a name; indicators name the measure they need. An indicator whose measure
is not registered is shown as **not computed**, with the reason the indicator
gives, never as a number. To plug a missing input in (electronic results,
online payments, synchronisation with the national portal, …), write the
query and register it under the indicator's measure name::

    from engine.reports.measures import MeasureQuery, Ratio, measure

    @measure("electronic_results")
    def electronic_results(session, q: MeasureQuery) -> dict[str, Ratio]:
        ...  # {agency id: Ratio(dossiers with an electronic result, dossiers resolved)}

in this module or in a module named in ``MEASURE_MODULES`` (imported on first use).
Ratios add up (numerators and denominators), so a measure per agency gives
the figure of a level or of the whole province too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.store.models import ComponentRow, DossierRow
from engine.store.models_reports import FeedbackRow, RatingRow

from .periods import Period
from .rules import SqlRules

__all__ = [
    "Ratio",
    "MeasureQuery",
    "Measure",
    "measure",
    "measure_for",
    "run_measure",
    "MEASURE_MODULES",
]

D = DossierRow.__table__.c
C = ComponentRow.__table__.c
R = RatingRow.__table__.c
F = FeedbackRow.__table__.c
SATISFIED = ("very_satisfied", "satisfied")

# Modules whose @measure functions register on import (the digitisation work adds its own).
MEASURE_MODULES: list[str] = []


@dataclass(frozen=True)
class Ratio:
    """A share (or an average when the numerator is a sum): ``numerator / denominator``."""

    numerator: float
    denominator: int

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def value(self) -> float | None:
        """The ratio, or None when there is nothing to divide by (no cases in the period)."""
        return self.numerator / self.denominator if self.denominator else None

    @staticmethod
    def total(ratios: Iterable[Ratio]) -> Ratio:
        result = Ratio(0, 0)
        for ratio in ratios:
            result = result + ratio
        return result


@dataclass(frozen=True)
class MeasureQuery:
    """What a measure is asked for: a period, the SQL rules, and optionally some agencies."""

    period: Period
    rules: SqlRules
    agencies: Collection[str] | None = None

    def only_agencies(self, query: Select[Any], column: Any) -> Select[Any]:
        return query if self.agencies is None else query.where(column.in_(sorted(self.agencies)))


Measure = Callable[[Session, MeasureQuery], Mapping[str, Ratio]]
_MEASURES: dict[str, Measure] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    """Register a measure under ``name`` (the name indicators refer to)."""

    def register(function: Measure) -> Measure:
        _MEASURES[name] = function
        return function

    return register


def measure_for(name: str) -> Measure | None:
    for module in MEASURE_MODULES:
        importlib.import_module(module)
    return _MEASURES.get(name)


def run_measure(name: str, session: Session, query: MeasureQuery) -> dict[str, Ratio] | None:
    """The measure's ratios per agency, or None when no measure of that name exists."""
    function = measure_for(name)
    return None if function is None else dict(function(session, query))


def _ratios(session: Session, query: Select[Any]) -> dict[str, Ratio]:
    """Rows of (agency id, numerator, denominator) as ratios."""
    return {
        agency: Ratio(float(num or 0), int(den or 0)) for agency, num, den in session.execute(query)
    }


def _n(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


# --- dossiers received in the period ----------------------------------------------------------


def _received(q: MeasureQuery, numerator: ColumnElement[Any]) -> Select[Any]:
    query = (
        select(D.agency_id, numerator, func.count())
        .where(D.received_at >= q.period.start, D.received_at < q.period.end)  # ix_..._received
        .group_by(D.agency_id)
    )
    return q.only_agencies(query, D.agency_id)


@measure("online_share")
def online_share(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Tỷ lệ hồ sơ trực tuyến: dossiers received online among all received."""
    return _ratios(session, _received(q, _n(D.channel == "online")))


@measure("reuse")
def reuse(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Tái sử dụng: received dossiers with at least one paper taken from digitised data."""
    reused = exists().where(C.dossier_id == D.id, C.reused_from.is_not(None))
    return _ratios(session, _received(q, _n(reused)))


@measure("components_with_files")
def components_with_files(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Received dossiers whose every paper has a file (half of a digitised dossier)."""
    has_component = exists().where(C.dossier_id == D.id)
    unfiled = exists().where(C.dossier_id == D.id, C.file_key.is_(None), C.sha256.is_(None))
    query = (
        select(D.agency_id, _n(~unfiled), func.count())
        .where(D.received_at >= q.period.start, D.received_at < q.period.end, has_component)
        .group_by(D.agency_id)
    )
    return _ratios(session, q.only_agencies(query, D.agency_id))


# --- dossiers resolved in the period ----------------------------------------------------------


def _resolved(q: MeasureQuery, numerator: ColumnElement[Any]) -> Select[Any]:
    query = (
        select(D.agency_id, numerator, func.count())
        .where(D.finished_at >= q.period.start, D.finished_at < q.period.end)
        .where(or_(D.closed_at.is_(None), D.closed_at >= q.period.start))  # ix_..._window
        .group_by(D.agency_id)
    )
    return q.only_agencies(query, D.agency_id)


@measure("on_time")
def on_time(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Early or on time among dossiers resolved in the period (the report's rule)."""
    return _ratios(session, _resolved(q, _n(~q.rules.late())))


@measure("on_time_index")
def on_time_index(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Decision 766: as on_time, and more than one supplement request counts late."""
    return _ratios(session, _resolved(q, _n(~q.rules.index_late())))


@measure("processing_days")
def processing_days(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Average calendar days from reception to the result, over dossiers resolved."""
    days = q.rules.days_between(D.received_at, D.finished_at)
    return _ratios(session, _resolved(q, func.sum(days)))


@measure("dossier_satisfaction")
def dossier_satisfaction(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Decision 766: resolved dossiers neither late, rated "not satisfied", nor complained of."""
    not_satisfied = exists().where(R.dossier_id == D.id, R.value == "not_satisfied")
    complained = exists().where(F.dossier_id == D.id)
    bad = or_(q.rules.late(), not_satisfied, complained)
    return _ratios(session, _resolved(q, _n(~bad)))


# --- ratings and feedback ---------------------------------------------------------------------


@measure("rating_satisfaction")
def rating_satisfaction(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """Ratings given in the period that are "very satisfied" or "satisfied"."""
    query = (
        select(D.agency_id, _n(R.value.in_(SATISFIED)), func.count())
        .select_from(RatingRow.__table__.join(DossierRow.__table__, D.id == R.dossier_id))
        .where(R.rated_at >= q.period.start, R.rated_at < q.period.end)  # ix_ratings_rated_at
        .group_by(D.agency_id)
    )
    return _ratios(session, q.only_agencies(query, D.agency_id))


def _feedback_due(q: MeasureQuery, numerator: ColumnElement[Any]) -> Select[Any]:
    query = (
        select(F.agency_id, numerator, func.count())
        .where(F.due_at >= q.period.start, F.due_at < q.period.end)
        .group_by(F.agency_id)
    )
    return q.only_agencies(query, F.agency_id)


def _answered_on_time() -> ColumnElement[bool]:
    return and_(F.answered_at.is_not(None), F.answered_at <= F.due_at)


@measure("feedback_on_time")
def feedback_on_time(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """PAKN due in the period that were answered by their due time."""
    return _ratios(session, _feedback_due(q, _n(_answered_on_time())))


@measure("feedback_satisfaction")
def feedback_satisfaction(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """PAKN due in the period, answered on time and not found unsatisfying by the sender."""
    pleased = or_(F.sender_verdict.is_(None), F.sender_verdict != "not_satisfied")
    return _ratios(session, _feedback_due(q, _n(and_(_answered_on_time(), pleased))))


@measure("feedback_published")
def feedback_published(session: Session, q: MeasureQuery) -> dict[str, Ratio]:
    """PAKN answered in the period whose answer is published."""
    query = (
        select(F.agency_id, _n(F.published_at.is_not(None)), func.count())
        .where(F.answered_at >= q.period.start, F.answered_at < q.period.end)
        .group_by(F.agency_id)
    )
    return _ratios(session, q.only_agencies(query, F.agency_id))
