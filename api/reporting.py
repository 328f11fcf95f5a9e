"""What the report pages and the report API share: who sees which reports, the services.

Who may see reports (báo cáo, chỉ số 766), for the web pages and the REST API alike:

- **auditors** and **administrators** see every report: the whole province, or
  any unit they pick (``unit``);
- **leaders** (role ``leader``) and **heads** (role ``head``) see the reports of
  their own agency (the nearest agency their unit belongs to), or of a unit
  inside it; asking for another unit is a 403;
- everyone else (officers, designers, the postal service) sees no report: 403.

A dossier's documents (forms 01–06) are read like the dossier itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app

from engine.config import Config
from engine.digitisation.rates import TARGETS, Ratio, digitisation_rates_by
from engine.digitisation.rates import Period as RatesPeriod
from engine.reports.feedback import FeedbackService
from engine.reports.periods import Period, PeriodKind
from engine.reports.scopes import UnknownUnit, agencies_under
from engine.reports.service import ReportService
from engine.runtime.errors import DomainError
from engine.runtime.users import User

from .auth import AuthError, engine

__all__ = [
    "EVERYTHING_ROLES",
    "UNIT_ROLES",
    "REPORT_ROLES",
    "RATE_LABELS",
    "may_see_reports",
    "own_agency",
    "report_unit",
    "report_service",
    "feedback_service",
    "scope_rates",
    "ScopedRates",
    "BadPeriod",
    "parse_report_period",
    "FIRST_YEAR",
    "LAST_YEAR",
]

FIRST_YEAR, LAST_YEAR = 2000, 2100
_KIND_EXAMPLE = {
    PeriodKind.MONTH: "một tháng, ví dụ 2026-10",
    PeriodKind.QUARTER: "một quý, ví dụ 2026-Q3",
    PeriodKind.YEAR: "một năm, ví dụ 2026",
}

EVERYTHING_ROLES = frozenset({"auditor", "admin"})
UNIT_ROLES = frozenset({"leader", "head"})
REPORT_ROLES = EVERYTHING_ROLES | UNIT_ROLES
RATE_LABELS = {
    "digitisation": "Tỷ lệ hồ sơ được số hóa",
    "electronic_result": "Tỷ lệ kết quả giải quyết được cấp bản điện tử",
    "reuse": "Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa",
    "online": "Tỷ lệ hồ sơ nộp trực tuyến",
    "online_payment": "Tỷ lệ hồ sơ có phí được thanh toán trực tuyến",
    "payments_online": "Tỷ lệ giao dịch thanh toán trực tuyến",
}


def may_see_reports(user: User) -> bool:
    if user.roles & EVERYTHING_ROLES:
        return True
    return bool(user.roles & UNIT_ROLES) and own_agency(user) is not None


def report_unit(user: User, requested: str | None) -> str | None:
    """The unit a report of ``user`` covers (None: everything), or AuthError / UnknownUnit."""
    wanted = (requested or "").strip() or None
    units = engine().organisation
    if wanted is not None and wanted not in units.units:
        raise UnknownUnit(f"Không có đơn vị “{wanted}” trong sơ đồ tổ chức.", unit=wanted)
    if user.roles & EVERYTHING_ROLES:
        return wanted
    own = own_agency(user) if user.roles & UNIT_ROLES else None
    if own is None:
        raise AuthError(
            403, "Chỉ lãnh đạo, trưởng phòng, thanh tra và quản trị hệ thống được xem báo cáo."
        )
    if wanted is None:
        return own
    if not units.belongs_to(wanted, own):
        raise AuthError(403, f"Bạn chỉ được xem báo cáo của {units.units[own].name}.")
    return wanted


def own_agency(user: User) -> str | None:
    """The id of the nearest agency the user's unit belongs to (None without one)."""
    if user.unit_id is None:
        return None
    agency = engine().organisation.agency_of(user.unit_id)
    return agency.id if agency is not None else None


def report_service() -> ReportService:
    config = cast(Config, current_app.config["MOTCUA_CONFIG"])
    return ReportService.from_config(engine(), config)


def feedback_service() -> FeedbackService:
    return FeedbackService(engine())


@dataclass(frozen=True)
class ScopedRates:
    """The digitisation rates of a report's agencies, added up."""

    received: int
    with_result: int
    ratios: dict[str, Ratio]


def scope_rates(period: Period, unit: str | None) -> ScopedRates:
    """Digitisation, electronic-result, reuse, online and online-payment rates of the scope."""
    agencies = agencies_under(engine().organisation, unit)
    by_agency = digitisation_rates_by(
        engine().database, RatesPeriod(period.start, period.end), "agency"
    )
    chosen = [r for a, r in by_agency.items() if agencies is None or a in agencies]
    ratios: dict[str, Ratio] = {}
    for name in RATE_LABELS:
        parts = [r.ratios()[name] for r in chosen]
        numerator = sum(p.numerator for p in parts)
        ratios[name] = Ratio(numerator, sum(p.denominator for p in parts), TARGETS[name])
    return ScopedRates(
        received=sum(r.received for r in chosen),
        with_result=sum(r.with_result for r in chosen),
        ratios=ratios,
    )


class BadPeriod(DomainError):
    """A period that cannot be read, is out of range, or is not of the kind asked (400)."""

    code = "invalid_period"


def parse_report_period(
    reports: ReportService, text: str, kind: PeriodKind | None = None
) -> Period:
    """``2026-10``, ``2026-Q3`` or ``2026`` (of ``kind`` when given), years 2000 to 2100."""
    shown = text.strip()[:40]
    try:
        period = reports.parse_period(text)
    except (ValueError, OverflowError):
        raise BadPeriod(
            f"Kỳ báo cáo “{shown}” không hợp lệ: nhập tháng (2026-10), quý (2026-Q3) "
            "hoặc năm (2026).",
            period=shown,
        ) from None
    if not FIRST_YEAR <= period.last_day.year <= LAST_YEAR:
        raise BadPeriod(
            f"Kỳ báo cáo “{shown}” không hợp lệ: năm báo cáo phải từ {FIRST_YEAR} đến {LAST_YEAR}.",
            period=shown,
        )
    if kind is not None and period.kind is not kind:
        raise BadPeriod(
            f"Kỳ báo cáo “{shown}” không hợp lệ: báo cáo này cần {_KIND_EXAMPLE[kind]}.",
            period=shown,
        )
    return period
