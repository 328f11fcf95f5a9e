"""Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg): 100 points, six groups.

Each indicator is a ratio with a target. At or above the target it earns its
full points; below, ``ratio × points / target``. An indicator the data cannot
support (its measure is not registered, see :mod:`engine.reports.measures`) is
**not computed** and says why; one with nothing to count in the period (no
feedback was due, say) has **no cases**. Neither earns nor loses points: the
score is the points earned over the points of the indicators computed, and the
band is read from that score scaled to 100 (marked provisional until every
indicator is computed).

The group totals are DOMAIN.md's (transparency 18, timeliness 20, online
service 12, online payment 10, satisfaction 18, digitisation 22); how each
group's points split among its indicators is our reading of the decision's
appendix and lives in ``INDICATORS`` below, to be corrected there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from engine.definitions.organisation import Organisation

from .facts import level_label
from .measures import Ratio
from .periods import Period
from .scopes import agency_level

__all__ = [
    "Group",
    "Indicator",
    "INDICATORS",
    "Status",
    "IndicatorScore",
    "GroupScore",
    "ScopeScore",
    "ServiceIndex",
    "band",
    "score_indicator",
    "score_scopes",
]


class Group(StrEnum):
    TRANSPARENCY = "transparency"
    TIMELINESS = "timeliness"
    ONLINE = "online"
    PAYMENT = "payment"
    SATISFACTION = "satisfaction"
    DIGITISATION = "digitisation"

    @property
    def label(self) -> str:
        return _GROUPS[self][0]

    @property
    def points(self) -> float:
        return _GROUPS[self][1]


_GROUPS = {
    Group.TRANSPARENCY: ("Công khai, minh bạch", 18.0),
    Group.TIMELINESS: ("Tiến độ giải quyết", 20.0),
    Group.ONLINE: ("Dịch vụ công trực tuyến", 12.0),
    Group.PAYMENT: ("Thanh toán trực tuyến", 10.0),
    Group.SATISFACTION: ("Mức độ hài lòng", 18.0),
    Group.DIGITISATION: ("Số hóa hồ sơ", 22.0),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: its points, its target (a share), the measure it needs, and why it may not
    be computed. ``points == 0`` marks an indicator shown for reference only."""

    code: str
    group: Group
    label: str
    points: float
    target: float
    measure: str
    missing: str  # shown when the measure does not exist yet
    unit: str = "%"  # "%" for shares, "ngày" for an average in days


_NO_PORTAL = "Chưa tính: hệ thống chưa ghi nhận việc đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia."
_NO_PAYMENT = (
    "Chưa tính: hệ thống chưa ghi nhận giao dịch thanh toán phí, lệ phí "
    "(phần thanh toán trực tuyến chưa được xây dựng)."
)
_NO_RESULT = (
    "Chưa tính: hệ thống chưa ghi nhận bản điện tử của kết quả giải quyết "
    "(phần số hóa kết quả đang được xây dựng)."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "published_on_time",
        Group.TRANSPARENCY,
        "Tỷ lệ thủ tục hành chính được công bố, công khai đúng hạn",
        6,
        0.8,
        "procedures_published_on_time",
        "Chưa tính: việc công bố, công khai thủ tục hành chính được quản lý trên Cơ sở dữ "
        "liệu quốc gia về thủ tục hành chính, hệ thống chưa nhận dữ liệu này.",
    ),
    Indicator(
        "portal_sync",
        Group.TRANSPARENCY,
        "Tỷ lệ hồ sơ được đồng bộ, công khai tiến độ trên Cổng Dịch vụ công quốc gia",
        6,
        0.8,
        "portal_sync",
        _NO_PORTAL,
    ),
    Indicator(
        "feedback_published",
        Group.TRANSPARENCY,
        "Tỷ lệ phản ánh, kiến nghị đã trả lời được công khai",
        6,
        0.8,
        "feedback_published",
        "",
    ),
    Indicator(
        "on_time",
        Group.TIMELINESS,
        "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
        20,
        0.8,
        "on_time_index",
        "",
    ),
    Indicator(
        "processing_days",
        Group.TIMELINESS,
        "Thời gian giải quyết trung bình (ngày theo lịch, tham khảo)",
        0,
        0,
        "processing_days",
        "",
        unit="ngày",
    ),
    Indicator(
        "online_procedures",
        Group.ONLINE,
        "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
        4,
        0.8,
        "online_procedures",
        "Chưa tính: định nghĩa thủ tục chưa ghi mức độ cung cấp dịch vụ công trực tuyến.",
    ),
    Indicator(
        "online_share",
        Group.ONLINE,
        "Tỷ lệ hồ sơ nộp trực tuyến",
        8,
        0.5,
        "online_share",
        "",
    ),
    Indicator(
        "online_payment_procedures",
        Group.PAYMENT,
        "Tỷ lệ thủ tục hành chính có phát sinh thanh toán trực tuyến",
        4,
        0.8,
        "online_payment_procedures",
        _NO_PAYMENT,
    ),
    Indicator(
        "online_payment",
        Group.PAYMENT,
        "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến",
        6,
        1.0,
        "online_payment",
        _NO_PAYMENT,
    ),
    Indicator(
        "feedback_on_time",
        Group.SATISFACTION,
        "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        6,
        0.8,
        "feedback_on_time",
        "",
    ),
    Indicator(
        "feedback_satisfaction",
        Group.SATISFACTION,
        "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
        6,
        0.9,
        "feedback_satisfaction",
        "",
    ),
    Indicator(
        "dossier_satisfaction",
        Group.SATISFACTION,
        "Tỷ lệ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính",
        6,
        0.9,
        "dossier_satisfaction",
        "",
    ),
    Indicator(
        "electronic_results",
        Group.DIGITISATION,
        "Tỷ lệ hồ sơ được cấp kết quả điện tử",
        8,
        0.8,
        "electronic_results",
        _NO_RESULT,
    ),
    Indicator(
        "digitised_dossiers",
        Group.DIGITISATION,
        "Tỷ lệ hồ sơ được số hóa (mọi thành phần có tệp và kết quả điện tử)",
        8,
        0.8,
        "digitised_dossiers",
        _NO_RESULT + " Tỷ lệ hồ sơ có đủ tệp thành phần xem ở chỉ số tham khảo.",
    ),
    Indicator(
        "reuse",
        Group.DIGITISATION,
        "Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu đã số hóa",
        6,
        0.8,
        "reuse",
        "",
    ),
    Indicator(
        "components_with_files",
        Group.DIGITISATION,
        "Tỷ lệ hồ sơ có đủ tệp thành phần (tham khảo)",
        0,
        0,
        "components_with_files",
        "",
    ),
)


class Status(StrEnum):
    COMPUTED = "computed"
    NO_CASES = "no_cases"
    NOT_COMPUTED = "not_computed"

    @property
    def label(self) -> str:
        return {
            "computed": "Đã tính",
            "no_cases": "Không phát sinh",
            "not_computed": "Chưa tính",
        }[self.value]


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    status: Status
    ratio: Ratio | None
    score: float | None  # None unless computed and worth points
    note: str

    @property
    def value(self) -> float | None:
        return self.ratio.value if self.ratio is not None else None

    @property
    def counts(self) -> bool:
        """Takes part in the score: computed, and worth points."""
        return self.status is Status.COMPUTED and self.indicator.points > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.indicator.code,
            "label": self.indicator.label,
            "group": self.indicator.group.value,
            "points": self.indicator.points,
            "target": self.indicator.target,
            "status": self.status.value,
            "value": self.value,
            "numerator": self.ratio.numerator if self.ratio else None,
            "denominator": self.ratio.denominator if self.ratio else None,
            "score": self.score,
            "note": self.note,
        }


@dataclass(frozen=True)
class GroupScore:
    group: Group
    indicators: tuple[IndicatorScore, ...]

    @property
    def score(self) -> float:
        return sum(i.score or 0.0 for i in self.indicators if i.counts)

    @property
    def max_points(self) -> float:
        return sum(i.indicator.points for i in self.indicators if i.counts)


@dataclass(frozen=True)
class ScopeScore:
    """The index of one scope: everything, a level, or one agency."""

    kind: str  # all | level | unit
    key: str
    label: str
    groups: tuple[GroupScore, ...]

    @property
    def indicators(self) -> tuple[IndicatorScore, ...]:
        return tuple(i for g in self.groups for i in g.indicators)

    @property
    def score(self) -> float:
        return sum(g.score for g in self.groups)

    @property
    def max_points(self) -> float:
        return sum(g.max_points for g in self.groups)

    @property
    def scaled(self) -> float | None:
        """The score out of 100 over the indicators computed (None when none is)."""
        return 100 * self.score / self.max_points if self.max_points else None

    @property
    def complete(self) -> bool:
        return all(i.status is not Status.NOT_COMPUTED for i in self.indicators)

    @property
    def band(self) -> str | None:
        return band(self.scaled) if self.scaled is not None else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "score": self.score,
            "max_points": self.max_points,
            "scaled": self.scaled,
            "band": self.band,
            "complete": self.complete,
            "groups": [
                {
                    "group": g.group.value,
                    "label": g.group.label,
                    "points": g.group.points,
                    "score": g.score,
                    "max_points": g.max_points,
                    "indicators": [i.as_dict() for i in g.indicators],
                }
                for g in self.groups
            ],
        }


@dataclass(frozen=True)
class ServiceIndex:
    period: Period
    scopes: tuple[ScopeScore, ...]  # all, then levels, then agencies

    def scope(self, kind: str, key: str = "") -> ScopeScore:
        for item in self.scopes:
            if item.kind == kind and item.key == key:
                return item
        raise KeyError((kind, key))


def band(scaled: float) -> str:
    """Xếp loại: Xuất sắc ≥ 90, Tốt 80–<90, Khá 70–<80, Trung bình 50–<70, Yếu < 50."""
    value = round(scaled, 2)
    if value >= 90:
        return "Xuất sắc"
    if value >= 80:
        return "Tốt"
    if value >= 70:
        return "Khá"
    if value >= 50:
        return "Trung bình"
    return "Yếu"


def score_indicator(indicator: Indicator, ratio: Ratio | None) -> IndicatorScore:
    """Target-ratio scoring: full points at or above the target, else ratio × points / target."""
    if ratio is None:
        return IndicatorScore(indicator, Status.NOT_COMPUTED, None, None, indicator.missing)
    value = ratio.value
    if value is None:
        return IndicatorScore(indicator, Status.NO_CASES, ratio, None, "Không phát sinh trong kỳ.")
    if indicator.points == 0:
        return IndicatorScore(indicator, Status.COMPUTED, ratio, None, "Chỉ số tham khảo.")
    points = indicator.points
    score = points if value >= indicator.target else value * points / indicator.target
    return IndicatorScore(indicator, Status.COMPUTED, ratio, score, "")


def score_scopes(
    period: Period,
    measured: Mapping[str, Mapping[str, Ratio] | None],
    organisation: Organisation,
    agencies: Iterable[str],
) -> ServiceIndex:
    """Score everything, each level and each agency from the measures' ratios per agency.

    ``measured`` maps a measure name to its ratios per agency (None: not registered).
    """
    by_level: dict[str, list[str]] = {}
    chosen = sorted(set(agencies))
    for agency in chosen:
        by_level.setdefault(agency_level(organisation, agency) or "", []).append(agency)
    scopes = [_scope("all", "", "Toàn hệ thống", measured, chosen)]
    for level in ("tinh", "huyen", "xa", ""):
        if level in by_level:
            scopes.append(_scope("level", level, level_label(level), measured, by_level[level]))
    names = {u.id: u.name for u in organisation.units.values()}
    for agency in chosen:
        scopes.append(_scope("unit", agency, names.get(agency, agency), measured, [agency]))
    return ServiceIndex(period, tuple(scopes))


def _scope(
    kind: str,
    key: str,
    label: str,
    measured: Mapping[str, Mapping[str, Ratio] | None],
    agencies: list[str],
) -> ScopeScore:
    groups = []
    for group in Group:
        scored = []
        for indicator in INDICATORS:
            if indicator.group is not group:
                continue
            ratios = measured.get(indicator.measure)
            ratio = (
                None if ratios is None else Ratio.total(ratios[a] for a in agencies if a in ratios)
            )
            scored.append(score_indicator(indicator, ratio))
        groups.append(GroupScore(group, tuple(scored)))
    return ScopeScore(kind, key, label, tuple(groups))
