"""A job that cannot reach the database logs one line per outage and runs again later."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from scheduler.runner import OutageGuard


def test_an_outage_is_one_warning_and_the_recovery_another(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[Exception | str] = [
        OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused")),
        OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused")),
        "xong",
    ]

    def sweep() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    guarded = OutageGuard().wrap(sweep)
    with caplog.at_level(logging.INFO, logger="motcua.scheduler"):
        assert guarded() is None
        assert guarded() is None
        assert guarded() == "xong"
    assert [r.getMessage() for r in caplog.records] == [
        "database unreachable, sweep retried at its next run: connection refused",
        "database reachable again after 2 failed runs",
    ]


def test_other_errors_are_not_taken_for_an_outage() -> None:
    def broken() -> None:
        raise ValueError("lỗi lập trình")

    with pytest.raises(ValueError, match="lỗi lập trình"):
        OutageGuard().wrap(broken)()
