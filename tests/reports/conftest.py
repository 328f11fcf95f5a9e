"""Fixtures for reports: the runtime's engine and officers, and a desk that drives dossiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from engine.clock import FakeClock
from engine.runtime.dossier import Channel
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from ..runtime import conftest as runtime
from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, VN, Officers, open_task

# The runtime's fixtures: an engine on a fresh database with the fixture procedures, its
# officers and its fake clock (Monday 7 December 2026, 08:00).
clock = runtime.clock
engine = runtime.engine
officers = runtime.officers

BIRTH = "1.001193"  # Hộ tịch, 1 working day, ubnd_xa
FULL = "1.000001"  # Đất đai, 10 working days, ubnd_xa


def vn(month: int, day: int, hour: int = 8, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


class Desk:
    """Drives dossiers through the engine at chosen moments of a fake clock."""

    def __init__(self, engine: Engine, officers: Officers, clock: FakeClock):
        self.engine = engine
        self.officers = officers
        self.clock = clock

    def receive(
        self,
        when: datetime,
        procedure: str = BIRTH,
        channel: Channel = Channel.DESK,
        components: tuple[SubmittedComponent, ...] | None = None,
    ) -> str:
        self.clock.set(when)
        papers = (BIRTH_PAPERS if procedure == BIRTH else ()) if components is None else components
        outcome = self.engine.runtime.receive(
            procedure, CITIZEN, self.officers.receiver, channel=channel, components=papers
        )
        assert outcome.dossier_code is not None
        return outcome.dossier_code

    def step(
        self,
        code: str,
        step: str,
        when: datetime,
        decision: str = "approve",
        form: dict[str, Any] | None = None,
    ) -> None:
        self.clock.set(when)
        actor = {
            "tiep_nhan": self.officers.receiver,
            "tham_dinh": self.officers.justice,
            "ky_duyet": self.officers.leader,
        }[step]
        self.engine.tasks.complete(open_task(self.engine, code, step), actor, decision, form)

    def result_ready(self, code: str, when: datetime) -> None:
        """A birth registration through its three steps, ten minutes apart, ending at ``when``."""
        from datetime import timedelta

        self.step(code, "tiep_nhan", when - timedelta(minutes=20))
        self.step(code, "tham_dinh", when - timedelta(minutes=10))
        self.step(code, "ky_duyet", when)

    def return_result(self, code: str, when: datetime) -> None:
        self.clock.set(when)
        self.engine.runtime.return_result(code, self.officers.receiver)


@pytest.fixture
def desk(engine: Engine, officers: Officers, clock: FakeClock) -> Desk:
    return Desk(engine, officers, clock)
