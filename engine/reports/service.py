"""Report service: the monthly, quarterly and yearly report, the 766 index, the weekly trend.

The one entry point for the CLI, the REST API and the web pages::

    reports = ReportService.from_config(engine, config)
    period = reports.parse_period("2026-10")          # 21/09/2026 - 20/10/2026
    report = reports.dossier_report(period)            # counts, late list, KPIs
    index = reports.service_index(period, unit="ubnd_huyen")
    reports.take_weekly_snapshot()                     # the scheduler's weekly job
    reports.trend("unit", "ubnd_xa")                   # the snapshots, oldest first

Every figure is aggregated in the database; one report reads in one
transaction (REPEATABLE READ on PostgreSQL), so its tables agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engine.config import Config, ReportsConfig
from engine.definitions.organisation import Organisation
from engine.store.db import Database

from .activity import Counts, GroupKey, Line, count_dossiers, roll_up, total
from .facts import ProcedureFacts, level_label, procedure_facts
from .index766 import INDICATORS, ServiceIndex, score_scopes
from .kpi import (
    TARGETS,
    KpiReport,
    evaluate,
    officer_loads,
    prorated_target,
    satisfaction_by_field,
)
from .late import LateList, late_list
from .measures import MeasureQuery, run_measure
from .periods import Period, parse_period
from .rules import SqlRules
from .scopes import agencies_under, unit_names
from .snapshots import SnapshotPoint, take_weekly_snapshot, trend

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["DossierReport", "ReportService"]

LEVEL_ORDER = {"tinh": "1", "huyen": "2", "xa": "3"}


@dataclass(frozen=True)
class DossierReport:
    """Báo cáo tình hình, kết quả giải quyết thủ tục hành chính for one period."""

    period: Period
    generated_at: datetime
    scope_unit: str | None
    scope_label: str
    total: Counts
    by_level: tuple[Line, ...]
    by_field: tuple[Line, ...]
    by_unit: tuple[Line, ...]
    by_procedure: tuple[Line, ...]
    late: LateList
    kpis: KpiReport

    def as_dict(self) -> dict[str, Any]:
        def lines(items: tuple[Line, ...]) -> list[dict[str, Any]]:
            return [{"key": i.key, "label": i.label, **i.counts.as_dict()} for i in items]

        return {
            "period": {
                "kind": self.period.kind.value,
                "code": self.period.code,
                "label": self.period.label,
                "first_day": self.period.first_day.isoformat(),
                "last_day": self.period.last_day.isoformat(),
            },
            "generated_at": self.generated_at.isoformat(),
            "scope": {"unit": self.scope_unit, "label": self.scope_label},
            "total": self.total.as_dict(),
            "by_level": lines(self.by_level),
            "by_field": lines(self.by_field),
            "by_unit": lines(self.by_unit),
            "by_procedure": lines(self.by_procedure),
            "late": {
                "entries": [
                    {
                        "unit": e.unit_id,
                        "unit_name": e.unit_name,
                        "officer_id": e.officer_id,
                        "officer_name": e.officer_name,
                        "completed_late": e.completed_late,
                        "still_overdue": e.still_overdue,
                        "dossiers_late": e.dossiers_late,
                        "codes": list(e.codes),
                    }
                    for e in self.late.entries
                ],
                "units": [
                    {
                        "unit": u.unit_id,
                        "unit_name": u.unit_name,
                        "completed_late": u.completed_late,
                        "still_overdue": u.still_overdue,
                        "dossiers_late": u.dossiers_late,
                        "officers": u.officers,
                    }
                    for u in self.late.units
                ],
            },
            "kpis": self.kpis.as_dict(),
        }


class ReportService:
    def __init__(self, engine: Engine, settings: ReportsConfig | None = None):
        self._engine = engine
        self.settings = settings or ReportsConfig()

    @classmethod
    def from_config(cls, engine: Engine, config: Config) -> ReportService:
        return cls(engine, config.reports)

    @property
    def tz(self) -> ZoneInfo:
        return self._engine.tz

    @property
    def database(self) -> Database:
        return self._engine.database

    def now(self) -> datetime:
        return self._engine.clock.now()

    def parse_period(self, text: str) -> Period:
        """``2026-10``, ``2026-Q3`` or ``2026`` with the configured closing day."""
        return parse_period(text, self.settings.month_closing_day, self._engine.tz)

    # --- the report -----------------------------------------------------------------------------

    def dossier_report(self, period: Period, unit: str | None = None) -> DossierReport:
        """Counts by level, field, unit and procedure; the late list; the KPIs."""
        organisation = self._engine.organisation
        agencies = agencies_under(organisation, unit)
        facts = procedure_facts(self._engine)
        names = unit_names(organisation)
        with self._reading() as session:
            rules = self._rules(session, period)
            counts = count_dossiers(session, period, rules, agencies)
            late = late_list(session, period, names, agencies)
            kpis = self._kpis(session, MeasureQuery(period, rules, agencies), names)
        if any(definition not in facts for definition, _ in counts):
            facts = procedure_facts(self._engine)  # a definition deployed meanwhile
        return DossierReport(
            period=period,
            generated_at=self._engine.clock.now(),
            scope_unit=unit,
            scope_label=names[unit] if unit else _everything(organisation),
            total=total(counts.values()),
            by_level=_by_level(counts, facts),
            by_field=tuple(roll_up(counts, lambda g: (_fact(facts, g).field,) * 2)),
            by_unit=tuple(roll_up(counts, lambda g: (g[1], names.get(g[1], g[1])))),
            by_procedure=tuple(
                roll_up(counts, lambda g: (_fact(facts, g).code, _fact(facts, g).name))
            ),
            late=late,
            kpis=kpis,
        )

    def _kpis(self, session: Session, query: MeasureQuery, names: dict[str, str]) -> KpiReport:
        results = tuple(evaluate(t, run_measure(t.measure, session, query)) for t in TARGETS)
        yearly = self.settings.officer_yearly_target
        target = prorated_target(self._engine.calendar, query.period, yearly)
        officers = officer_loads(session, query.period, target or 0.0, query.agencies, names)
        return KpiReport(
            results=results,
            satisfaction_by_field=tuple(
                satisfaction_by_field(session, query.period, query.agencies)
            ),
            officers=tuple(officers) if target is not None else (),
            officer_target=target,
            yearly_officer_target=yearly,
        )

    # --- the Decision 766 index -----------------------------------------------------------------

    def service_index(self, period: Period, unit: str | None = None) -> ServiceIndex:
        """The index of everything, each level and each agency with data in the period."""
        organisation = self._engine.organisation
        agencies = agencies_under(organisation, unit)
        with self._reading() as session:
            query = MeasureQuery(period, self._rules(session, period), agencies)
            measured = {i.measure: run_measure(i.measure, session, query) for i in INDICATORS}
        seen = {a for ratios in measured.values() if ratios for a in ratios}
        if agencies is not None:
            seen &= agencies
        return score_scopes(period, measured, organisation, seen)

    def take_weekly_snapshot(self, now: datetime | None = None) -> int:
        """The scheduler's weekly job: keep last week's index per scope (once)."""
        return take_weekly_snapshot(self, now)

    def trend(self, kind: str = "all", key: str = "", weeks: int = 26) -> list[SnapshotPoint]:
        """Weekly index of a scope (all, level ``xa``, unit ``ubnd_xa``), oldest first."""
        return trend(self, kind, key, weeks)

    # --- inside ---------------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._engine.database.read() as session:
            if self._engine.database.is_postgresql:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    def _rules(self, session: Session, period: Period) -> SqlRules:
        return SqlRules(session.get_bind().dialect.name, self._engine.tz, period.start)


def _fact(facts: dict[int, ProcedureFacts], group: GroupKey) -> ProcedureFacts:
    return facts[group[0]]


def _by_level(counts: dict[GroupKey, Counts], facts: dict[int, ProcedureFacts]) -> tuple[Line, ...]:
    lines = roll_up(
        counts,
        lambda g: (LEVEL_ORDER.get(_fact(facts, g).level, "9") + _fact(facts, g).level,) * 2,
    )
    return tuple(Line(line.key[1:], level_label(line.key[1:]), line.counts) for line in lines)


def _everything(organisation: Organisation) -> str:
    """The name of the one top unit (the province's people's committee), if there is one."""
    roots = [u for u in organisation.units.values() if u.parent is None]
    return roots[0].name if len(roots) == 1 else "Toàn hệ thống"
