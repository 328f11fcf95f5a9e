"""The scheduler runs the feedback sweep and the weekly index snapshot."""

from __future__ import annotations

import pytest

from engine.config import Config
from engine.reports import ReportService
from engine.reports.feedback import FeedbackService
from engine.runtime.engine import Engine
from scheduler.report_jobs import snapshot_index, sweep_feedback
from scheduler.runner import Worker, build_scheduler

from .conftest import vn


def test_the_scheduler_has_the_report_jobs_beside_the_sweep(engine: Engine) -> None:
    scheduler = build_scheduler(Worker.from_config(engine, Config()), Config(), background=True)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "sweep",
        "daily_digest",
        "feedback_overdue",
        "index_snapshot",
        "index_snapshot_start",
    }
    assert str(jobs["index_snapshot"].trigger) == "cron[day_of_week='mon', hour='1']"


@pytest.mark.postgres
def test_the_feedback_job_marks_overdue_feedback(engine: Engine) -> None:
    code = (
        FeedbackService(engine)
        .submit("phan_anh", "Chậm", "Nội dung", "Lê Văn C", agency_id="ubnd_xa")
        .code
    )
    assert sweep_feedback(engine) == []
    engine.clock.set(vn(12, 22))  # type: ignore[attr-defined]
    assert sweep_feedback(engine) == [code]


@pytest.mark.postgres
def test_the_snapshot_job_keeps_last_week_once(engine: Engine) -> None:
    assert snapshot_index(engine, Config()) == 1  # only "everything": no agency had data
    assert snapshot_index(engine, Config()) == 0
    (point,) = ReportService(engine).trend()
    assert (point.period_start, point.max_points, point.band) == (vn(11, 30, 0), 0, None)
