"""Ratings once per finished dossier; feedback answered within 10 working days, overdue once."""

from __future__ import annotations

import threading

import pytest

from engine.clock import FakeClock
from engine.reports.feedback import (
    AlreadyAnswered,
    AlreadyRated,
    FeedbackService,
    RatingValue,
)
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand, InvalidTransition, NotAuthorised

from .conftest import Desk, Officers, vn

pytestmark = pytest.mark.postgres


@pytest.fixture
def feedback(engine: Engine) -> FeedbackService:
    return FeedbackService(engine)


@pytest.fixture
def finished(desk: Desk) -> str:
    code = desk.receive(vn(12, 7))
    desk.result_ready(code, vn(12, 7, 10))
    return code


def submit(feedback: FeedbackService, dossier: str | None = None) -> str:
    return feedback.submit(
        "phan_anh",
        "Chậm trả kết quả",
        "Hồ sơ của tôi chưa có kết quả.\nĐề nghị kiểm tra.",
        "Nguyễn Thị Hồng Nhung",
        "0905123456",
        dossier_code=dossier,
        agency_id=None if dossier else "ubnd_xa",
    ).code


def test_a_finished_dossier_is_rated_once(feedback: FeedbackService, finished: str) -> None:
    rating = feedback.rate(finished, "satisfied", "Cán bộ nhiệt tình")
    assert (rating.value, rating.comment) == (RatingValue.SATISFIED, "Cán bộ nhiệt tình")
    with pytest.raises(AlreadyRated):
        feedback.rate(finished, "not_satisfied")
    assert feedback.rating(finished) == rating


def test_a_dossier_still_in_processing_cannot_be_rated(
    feedback: FeedbackService, desk: Desk
) -> None:
    code = desk.receive(vn(12, 7))
    with pytest.raises(InvalidTransition):
        feedback.rate(code, "very_satisfied")


def test_the_rating_checks_the_applicants_id_number_when_given(
    feedback: FeedbackService, finished: str
) -> None:
    with pytest.raises(NotAuthorised):
        feedback.rate(finished, "satisfied", id_number="000000000000")
    assert feedback.rate(finished, "satisfied", id_number="079190001234").value == "satisfied"


def test_an_unknown_rating_names_the_allowed_values(
    feedback: FeedbackService, finished: str
) -> None:
    with pytest.raises(InvalidCommand, match="very_satisfied, satisfied, not_satisfied"):
        feedback.rate(finished, "ok")


def test_feedback_is_due_ten_working_days_after_receipt(feedback: FeedbackService) -> None:
    item = feedback.get(submit(feedback))
    assert item.code == "PAKN-261207-0001"
    assert (item.received_at, item.due_at) == (vn(12, 7), vn(12, 21, 17))
    assert item.content == "Hồ sơ của tôi chưa có kết quả.\nĐề nghị kiểm tra."


def test_the_ten_days_skip_the_april_holidays(feedback: FeedbackService, clock: FakeClock) -> None:
    clock.set(vn(4, 23))  # Thursday; 27/4 (Giỗ Tổ), 30/4 and 1/5 are days off
    assert feedback.get(submit(feedback)).due_at == vn(5, 12, 17)


def test_feedback_about_a_dossier_goes_to_its_agency(
    feedback: FeedbackService, finished: str
) -> None:
    item = feedback.get(submit(feedback, finished))
    assert (item.agency_id, item.dossier_code) == ("ubnd_xa", finished)


def test_feedback_without_a_dossier_must_name_an_agency(feedback: FeedbackService) -> None:
    with pytest.raises(InvalidCommand):
        feedback.submit("kien_nghi", "Đề nghị", "Nội dung", "Lê Văn C", agency_id="mot_cua")


def test_only_the_agencys_officers_answer_and_only_once(
    feedback: FeedbackService, officers: Officers
) -> None:
    code = submit(feedback)
    with pytest.raises(NotAuthorised):
        feedback.answer(code, officers.outsider, "Đã kiểm tra")
    answered = feedback.answer(code, officers.receiver, "Đã kiểm tra, hồ sơ đã có kết quả.")
    assert (answered.answered, answered.answered_on_time, answered.overdue) == (True, True, False)
    with pytest.raises(AlreadyAnswered):
        feedback.answer(code, officers.receiver, "Lần hai")


def test_an_answer_after_the_due_time_is_overdue(
    feedback: FeedbackService, officers: Officers, clock: FakeClock
) -> None:
    code = submit(feedback)
    clock.set(vn(12, 22, 8))
    answered = feedback.answer(code, officers.receiver, "Xin lỗi vì trả lời chậm.")
    assert (answered.answered_on_time, answered.overdue) == (False, True)


def test_answers_are_published_and_the_sender_gives_a_verdict(
    feedback: FeedbackService, officers: Officers
) -> None:
    code = submit(feedback)
    with pytest.raises(InvalidTransition):
        feedback.publish(code, officers.receiver)
    feedback.answer(code, officers.receiver, "Đã giải quyết.")
    feedback.publish(code, officers.receiver)
    assert [f.code for f in feedback.find(published_only=True)] == [code]
    assert feedback.record_verdict(code, satisfied=False).sender_verdict == "not_satisfied"


def test_the_sweep_marks_unanswered_feedback_overdue_once(
    feedback: FeedbackService, officers: Officers, clock: FakeClock
) -> None:
    late, answered = submit(feedback), submit(feedback)
    feedback.answer(answered, officers.receiver, "Đã trả lời.")
    assert feedback.mark_overdue(vn(12, 21, 17)) == []  # due at 17:00: not yet past
    assert feedback.mark_overdue(vn(12, 21, 17, 1)) == [late]
    assert feedback.mark_overdue(vn(12, 22, 9)) == []
    assert [f.code for f in feedback.find(overdue_only=True)] == [late]


def test_concurrent_sweeps_mark_each_feedback_once(feedback: FeedbackService) -> None:
    codes = {submit(feedback) for _ in range(30)}
    marked: list[str] = []
    lock = threading.Lock()

    def sweep() -> None:
        found = feedback.mark_overdue(vn(12, 28))
        with lock:
            marked.extend(found)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(marked) == sorted(codes)
