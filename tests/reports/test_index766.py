"""Decision 766 index: target-ratio scoring, bands, not-computed indicators, snapshots.

December 2026 (21/11 to 20/12), counted by hand:

    A  07/12 desk    result 07/12            rated "not satisfied"
    B  07/12 desk    two supplement requests, result 07/12   (on time, but late for 766)
    C  08/12 desk    due 09/12 17:00, result 10/12           late
    D  09/12 online  result 09/12            complained of (feedback about D)
    E  10/12 desk    result 10/12, every paper filed, one reused; rated "very satisfied"
    F1 feedback 23/11, due 07/12, answered 01/12 and published; sender not satisfied
    F2 feedback 24/11, due 08/12, never answered

    on time (766)          A, D, E of 5 resolved      0.6 of 0.8 → 20 × 0.6/0.8  = 15
    online share           D of 5 received            0.2 of 0.5 →  8 × 0.2/0.5  =  3.2
    feedback published     F1 of 1 answered           1.0 of 0.8 →                  6
    feedback on time       F1 of F1, F2 (due)         0.5 of 0.8 →  6 × 0.5/0.8  =  3.75
    feedback satisfaction  none of F1, F2             0.0        →                  0
    dossier satisfaction   B, E of 5 (A rated badly, C late, D complained of)
                                                      0.4 of 0.9 →  6 × 0.4/0.9  =  2.6667
    reuse                  E of 5 received            0.2 of 0.8 →  6 × 0.2/0.8  =  1.5
    score 32.1167 over 58 points computed → 55.37 of 100: Trung bình (provisional)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.digitisation.access import Grounds
from engine.reports import ReportService
from engine.reports import measures as measures_module
from engine.reports.feedback import FeedbackService
from engine.reports.index766 import (
    INDICATORS,
    ScopeScore,
    Status,
    band,
    score_indicator,
)
from engine.reports.measures import Ratio, measure
from engine.runtime.dossier import Channel
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from ..runtime.conftest import CITIZEN
from .conftest import BIRTH, Desk, Officers, vn

pytestmark = pytest.mark.postgres

INDICATOR = {i.code: i for i in INDICATORS}


@pytest.fixture
def december(engine: Engine, officers: Officers, desk: Desk) -> Engine:
    feedback = FeedbackService(engine)
    desk.clock.set(vn(11, 23))
    f1 = feedback.submit("phan_anh", "Thái độ", "Nội dung", "Lê Văn C", agency_id="ubnd_xa")
    desk.clock.set(vn(11, 24))
    feedback.submit("kien_nghi", "Giờ làm việc", "Nội dung", "Lê Văn D", agency_id="ubnd_xa")
    desk.clock.set(vn(12, 1))
    feedback.answer(f1.code, officers.receiver, "Đã chấn chỉnh.", publish=True)
    feedback.record_verdict(f1.code, satisfied=False)

    a = desk.receive(vn(12, 7))
    desk.result_ready(a, vn(12, 7, 10))
    b = desk.receive(vn(12, 7, 8, 5))
    desk.step(b, "tiep_nhan", vn(12, 7, 8, 20))
    for minute in (30, 50):
        desk.step(b, "tham_dinh", vn(12, 7, 8, minute), "supplement", {"missing": ["GCS"]})
        desk.clock.set(vn(12, 7, 8, minute + 5))
        engine.runtime.resume(b, officers.receiver)
    desk.step(b, "tham_dinh", vn(12, 7, 9, 10))
    desk.step(b, "ky_duyet", vn(12, 7, 9, 20))
    c = desk.receive(vn(12, 8))
    desk.result_ready(c, vn(12, 10, 10))
    d = desk.receive(vn(12, 9), channel=Channel.ONLINE)
    desk.result_ready(d, vn(12, 9, 10))
    notice = engine.files.put_bytes(b"%PDF-1.4 chung sinh", "chung-sinh.pdf", "application/pdf")
    stored = engine.datastore.store(
        CITIZEN, "GCS", notice, officers.receiver, Grounds.reception(BIRTH)
    )
    papers = (
        SubmittedComponent("TK", sha256="a" * 64),
        SubmittedComponent("GCS", reused_from=stored.code),
    )
    e = desk.receive(vn(12, 10), components=papers)
    desk.result_ready(e, vn(12, 10, 10))

    desk.clock.set(vn(12, 11))
    feedback.rate(a, "not_satisfied")
    feedback.rate(e, "very_satisfied")
    feedback.submit("phan_anh", "Hồ sơ D", "Nội dung", "Lê Văn E", dossier_code=d)
    desk.clock.set(vn(12, 22))
    return engine


@pytest.fixture
def everything(december: Engine) -> ScopeScore:
    reports = ReportService(december)
    return reports.service_index(reports.parse_period("2026-12")).scope("all")


def scored(scope: ScopeScore) -> dict[str, tuple[Status, float | None, float | None]]:
    return {
        i.indicator.code: (i.status, i.value, None if i.score is None else round(i.score, 4))
        for i in scope.indicators
    }


def test_every_computed_indicator_matches_the_hand_count(everything: ScopeScore) -> None:
    found = scored(everything)
    assert found["on_time"] == (Status.COMPUTED, 0.6, 15.0)
    assert found["online_share"] == (Status.COMPUTED, 0.2, 3.2)
    assert found["feedback_published"] == (Status.COMPUTED, 1.0, 6.0)
    assert found["feedback_on_time"] == (Status.COMPUTED, 0.5, 3.75)
    assert found["feedback_satisfaction"] == (Status.COMPUTED, 0.0, 0.0)
    assert found["dossier_satisfaction"] == (Status.COMPUTED, 0.4, 2.6667)
    assert found["reuse"] == (Status.COMPUTED, 0.2, 1.5)
    # every dossier had its papers scanned or reused before hand-over; reference only
    assert found["components_with_files"] == (Status.COMPUTED, 1.0, None)


def test_the_score_counts_only_computed_indicators_and_is_provisional(
    everything: ScopeScore,
) -> None:
    assert round(everything.score, 4) == 32.1167
    assert everything.max_points == 58
    assert everything.scaled == pytest.approx(55.3736, abs=1e-4)
    assert (everything.band, everything.complete) == ("Trung bình", False)


def test_indicators_without_data_say_why_and_score_nothing(everything: ScopeScore) -> None:
    missing = {
        i.indicator.code: i for i in everything.indicators if i.status is Status.NOT_COMPUTED
    }
    assert set(missing) == {
        "published_on_time",
        "portal_sync",
        "online_procedures",
        "online_payment_procedures",
        "online_payment",
        "electronic_results",
        "digitised_dossiers",
    }
    assert all(i.score is None and i.ratio is None for i in missing.values())
    assert "kết quả" in missing["electronic_results"].note


def test_each_level_and_agency_is_scored(december: Engine) -> None:
    reports = ReportService(december)
    index = reports.service_index(reports.parse_period("2026-12"))
    assert [(s.kind, s.key, s.label) for s in index.scopes] == [
        ("all", "", "Toàn hệ thống"),
        ("level", "xa", "Cấp xã"),
        ("unit", "ubnd_xa", "UBND xã A"),
    ]
    assert index.scope("unit", "ubnd_xa").score == index.scope("all").score


def test_the_group_points_add_up_to_one_hundred() -> None:
    groups: dict[str, float] = {}
    for indicator in INDICATORS:
        groups[indicator.group.value] = groups.get(indicator.group.value, 0) + indicator.points
    assert groups == {
        "transparency": 18,
        "timeliness": 20,
        "online": 12,
        "payment": 10,
        "satisfaction": 18,
        "digitisation": 22,
    }


@pytest.mark.parametrize(
    ("ratio", "points"),
    [(Ratio(9, 10), 20.0), (Ratio(8, 10), 20.0), (Ratio(4, 10), 10.0), (Ratio(0, 10), 0.0)],
)
def test_full_points_at_the_target_and_proportional_below(ratio: Ratio, points: float) -> None:
    assert score_indicator(INDICATOR["on_time"], ratio).score == pytest.approx(points)


def test_nothing_to_count_is_no_cases_not_zero() -> None:
    result = score_indicator(INDICATOR["feedback_on_time"], Ratio(0, 0))
    assert (result.status, result.score, result.counts) == (Status.NO_CASES, None, False)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "Xuất sắc"),
        (90, "Xuất sắc"),
        (89.99, "Tốt"),
        (80, "Tốt"),
        (79.99, "Khá"),
        (70, "Khá"),
        (69.99, "Trung bình"),
        (50, "Trung bình"),
        (49.99, "Yếu"),
        (0, "Yếu"),
    ],
)
def test_bands(score: float, expected: str) -> None:
    assert band(score) == expected


@pytest.fixture
def electronic_results() -> Iterator[None]:
    """A stand-in for the digitisation work's measure: half the results are electronic."""

    @measure("electronic_results")
    def half(session, q):  # type: ignore[no-untyped-def]
        return {"ubnd_xa": Ratio(1, 2)}

    yield
    measures_module._MEASURES.pop("electronic_results")


def test_a_registered_measure_makes_its_indicator_computed(
    december: Engine, electronic_results: None
) -> None:
    reports = ReportService(december)
    scope = reports.service_index(reports.parse_period("2026-12")).scope("all")
    assert scored(scope)["electronic_results"] == (Status.COMPUTED, 0.5, 5.0)
    assert scope.max_points == 66


def test_the_weekly_snapshot_is_taken_once_and_makes_a_trend(december: Engine) -> None:
    reports = ReportService(december)
    monday = vn(12, 14, 1)  # snapshots the week of 7 to 13 December
    first = reports.take_weekly_snapshot(monday)
    assert first == 3  # everything, the commune level, the commune
    assert reports.take_weekly_snapshot(monday) == 0
    (point,) = reports.trend("unit", "ubnd_xa")
    assert (point.period_start, point.period_end) == (vn(12, 7, 0), vn(12, 14, 0))
    # as December, less the published answer: F1 was answered on 01/12, before the week
    assert (round(point.score, 4), point.max_points) == (26.1167, 52)
    assert (point.band, point.complete) == ("Trung bình", False)
