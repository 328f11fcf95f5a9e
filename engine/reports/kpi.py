"""Chỉ tiêu của tỉnh: the provincial plans' targets, measured where the data allows.

Each target names the measure it needs (:mod:`engine.reports.measures`); a
target whose measure does not exist yet is reported **not computed** with the
reason, never with a number. Two targets need more than a ratio: satisfaction
has a lower target for land, construction and investment procedures (shown by
field), and the per-officer productivity is a count against a yearly target
prorated to the period's working days.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.store.models import DossierRow, UserRow
from engine.store.models_reports import ProcedureFactsRow, RatingRow

from .index766 import Status
from .measures import SATISFIED, Ratio
from .periods import Period

__all__ = [
    "Target",
    "TARGETS",
    "KpiResult",
    "FieldSatisfaction",
    "OfficerLoad",
    "KpiReport",
    "evaluate",
    "satisfaction_by_field",
    "officer_loads",
    "prorated_target",
    "field_target",
]

D = DossierRow.__table__.c
R = RatingRow.__table__.c
P = ProcedureFactsRow.__table__.c
U = UserRow.__table__.c


@dataclass(frozen=True)
class Target:
    code: str
    label: str
    target: float  # a share (0.5 = 50 %)
    at_most: bool  # True: the value must not exceed the target
    measure: str
    missing: str


TARGETS: tuple[Target, ...] = (
    Target("online_share", "Tỷ lệ hồ sơ nộp trực tuyến", 0.5, False, "online_share", ""),
    Target(
        "digitised_dossiers",
        "Tỷ lệ hồ sơ được số hóa",
        0.8,
        False,
        "digitised_dossiers",
        "Chưa tính: hồ sơ số hóa là hồ sơ mọi thành phần có tệp và có kết quả điện tử; hệ "
        "thống chưa ghi nhận kết quả điện tử.",
    ),
    Target(
        "electronic_results",
        "Tỷ lệ kết quả giải quyết được cấp bản điện tử",
        1.0,
        False,
        "electronic_results",
        "Chưa tính: hệ thống chưa ghi nhận bản điện tử của kết quả giải quyết.",
    ),
    Target(
        "portal_sync",
        "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
        1.0,
        False,
        "portal_sync",
        "Chưa tính: hệ thống chưa ghi nhận việc đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia.",
    ),
    Target(
        "online_payment",
        "Tỷ lệ thanh toán phí, lệ phí trực tuyến",
        0.45,
        False,
        "online_payment",
        "Chưa tính: hệ thống chưa ghi nhận giao dịch thanh toán phí, lệ phí.",
    ),
    Target(
        "reuse",
        "Tỷ lệ hồ sơ sử dụng lại giấy tờ, dữ liệu đã số hóa",
        0.5,
        False,
        "reuse",
        "",
    ),
    Target(
        "satisfaction",
        "Tỷ lệ đánh giá hài lòng, rất hài lòng",
        0.9,
        False,
        "rating_satisfaction",
        "",
    ),
    Target(
        "desk_waiting",
        "Thời gian chờ tại quầy không quá 15 phút",
        1.0,
        False,
        "desk_waiting",
        "Chưa tính: hệ thống xếp hàng, cấp số thứ tự tại quầy chưa được kết nối.",
    ),
)

# Lower satisfaction target for land, construction and investment procedures.
LOWER_TARGET_FIELDS = ("dat dai", "xay dung", "dau tu")
LOWER_TARGET = 0.85


@dataclass(frozen=True)
class KpiResult:
    code: str
    label: str
    target: float
    at_most: bool
    status: Status
    ratio: Ratio | None
    note: str

    @property
    def value(self) -> float | None:
        return self.ratio.value if self.ratio is not None else None

    @property
    def met(self) -> bool | None:
        value = self.value
        if self.status is not Status.COMPUTED or value is None:
            return None
        return value <= self.target if self.at_most else value >= self.target


@dataclass(frozen=True)
class FieldSatisfaction:
    field: str
    ratio: Ratio
    target: float

    @property
    def met(self) -> bool | None:
        value = self.ratio.value
        return None if value is None else value >= self.target


@dataclass(frozen=True)
class OfficerLoad:
    """Dossiers an officer received in the period, against the prorated yearly target."""

    username: str
    name: str
    unit_id: str | None
    unit_name: str
    received: int
    target: float

    @property
    def met(self) -> bool:
        return self.received >= self.target


@dataclass(frozen=True)
class KpiReport:
    results: tuple[KpiResult, ...]
    satisfaction_by_field: tuple[FieldSatisfaction, ...]
    officers: tuple[OfficerLoad, ...]
    officer_target: float | None  # prorated to the period; None when it cannot be worked out
    yearly_officer_target: int

    @property
    def officers_meeting_target(self) -> int:
        return sum(1 for o in self.officers if o.met)

    def as_dict(self) -> dict[str, Any]:
        return {
            "targets": [
                {
                    "code": r.code,
                    "label": r.label,
                    "target": r.target,
                    "status": r.status.value,
                    "value": r.value,
                    "numerator": r.ratio.numerator if r.ratio else None,
                    "denominator": r.ratio.denominator if r.ratio else None,
                    "met": r.met,
                    "note": r.note,
                }
                for r in self.results
            ],
            "satisfaction_by_field": [
                {
                    "field": f.field,
                    "value": f.ratio.value,
                    "ratings": f.ratio.denominator,
                    "target": f.target,
                    "met": f.met,
                }
                for f in self.satisfaction_by_field
            ],
            "officer_target": self.officer_target,
            "yearly_officer_target": self.yearly_officer_target,
            "officers": [
                {
                    "username": o.username,
                    "name": o.name,
                    "unit": o.unit_id,
                    "unit_name": o.unit_name,
                    "received": o.received,
                    "target": o.target,
                    "met": o.met,
                }
                for o in self.officers
            ],
        }


def evaluate(target: Target, ratios: Mapping[str, Ratio] | None) -> KpiResult:
    if ratios is None:
        return KpiResult(
            target.code, target.label, target.target, target.at_most,
            Status.NOT_COMPUTED, None, target.missing,
        )  # fmt: skip
    ratio = Ratio.total(ratios.values())
    status = Status.COMPUTED if ratio.denominator else Status.NO_CASES
    note = "" if ratio.denominator else "Không phát sinh trong kỳ."
    return KpiResult(target.code, target.label, target.target, target.at_most, status, ratio, note)


def field_target(field: str) -> float:
    """90 % satisfied; 85 % for land, construction and investment procedures."""
    plain = _plain(field)
    return LOWER_TARGET if any(word in plain for word in LOWER_TARGET_FIELDS) else 0.9


def satisfaction_by_field(
    session: Session, period: Period, agencies: Collection[str] | None
) -> list[FieldSatisfaction]:
    query = (
        select(
            P.field,
            func.sum(case((R.value.in_(SATISFIED), 1), else_=0)),
            func.count(),
        )
        .select_from(
            RatingRow.__table__.join(DossierRow.__table__, D.id == R.dossier_id).join(
                ProcedureFactsRow.__table__, P.definition_id == D.definition_id
            )
        )
        .where(R.rated_at >= period.start, R.rated_at < period.end)
        .group_by(P.field)
        .order_by(P.field)
    )
    if agencies is not None:
        query = query.where(D.agency_id.in_(sorted(agencies)))
    return [
        FieldSatisfaction(field, Ratio(float(good or 0), int(count)), field_target(field))
        for field, good, count in session.execute(query)
    ]


def prorated_target(calendar: object, period: Period, yearly: int) -> float | None:
    """The yearly target scaled by the period's share of the year's working days."""
    if not isinstance(calendar, WorkingCalendar):
        return None
    days = sum(
        1
        for offset in range(period.days)
        if calendar.is_working_day(period.first_day + timedelta(days=offset))
    )
    in_year = calendar.working_days_in_year(period.last_day.year)
    return yearly * days / in_year if in_year else None


def officer_loads(
    session: Session,
    period: Period,
    target: float,
    agencies: Collection[str] | None,
    unit_names: Mapping[str, str],
) -> list[OfficerLoad]:
    """Dossiers received by each officer in the period (the one-stop desk's work)."""
    query = (
        select(D.received_by, func.max(U.full_name), func.max(U.unit_id), func.count())
        .select_from(DossierRow.__table__.outerjoin(UserRow.__table__, U.username == D.received_by))
        .where(
            and_(D.received_at >= period.start, D.received_at < period.end),
            D.received_by.is_not(None),
        )
        .group_by(D.received_by)
    )
    if agencies is not None:
        query = query.where(D.agency_id.in_(sorted(agencies)))
    loads = [
        OfficerLoad(
            username, name or username, unit, unit_names.get(unit or "", ""), int(count), target
        )
        for username, name, unit, count in session.execute(query)
    ]
    loads.sort(key=lambda o: (-o.received, o.name))
    return loads


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
