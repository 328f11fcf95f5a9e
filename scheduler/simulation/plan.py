"""What happens to each simulated dossier, drawn once from a seeded random generator.

The mix follows a province's year: most dossiers at commune level, most at the
desk or online, a few supplements, reworks, refusals and withdrawals, and some
dossiers kept too long at one step so their deadlines pass and the timers fire.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from engine.calendar import WorkingCalendar
from engine.runtime.dossier import Channel

__all__ = ["Fate", "DossierPlan", "ProcedureChoice", "LEVEL_SHARES", "draw_plans"]

LEVEL_SHARES = {"xa": 70, "huyen": 20, "tinh": 10}  # per cent of dossiers by level
CHANNEL_SHARES = ((Channel.DESK, 55), (Channel.ONLINE, 35), (Channel.POST, 7), (Channel.KIOSK, 3))


class Fate(StrEnum):
    """The path a dossier is meant to take (the engine decides where it ends)."""

    NORMAL = "normal"
    LATE = "late"  # one step takes well over its duration
    REWORK = "rework"  # a reviewer returns it to an earlier step once
    SUPPLEMENT = "supplement"  # the applicant is asked for a paper, then it resumes
    SUPPLEMENT_TWICE = "supplement_twice"
    REFUSED = "refused"  # refused at the appraisal step
    REFUSED_AT_RECEPTION = "refused_at_reception"
    WITHDRAWN = "withdrawn"  # the applicant withdraws it part-way


FATE_SHARES = (
    (Fate.REFUSED_AT_RECEPTION, 15),
    (Fate.REFUSED, 20),
    (Fate.WITHDRAWN, 15),
    (Fate.SUPPLEMENT, 90),
    (Fate.SUPPLEMENT_TWICE, 10),
    (Fate.REWORK, 70),
    (Fate.LATE, 80),
    (Fate.NORMAL, 700),
)  # per thousand


@dataclass(frozen=True)
class ProcedureChoice:
    code: str
    level: str


@dataclass(frozen=True)
class DossierPlan:
    number: int
    procedure_code: str
    channel: Channel
    fate: Fate
    arrival: datetime
    slow_action: int  # which action of a LATE dossier drags on
    withdraw_after: int  # a WITHDRAWN dossier is withdrawn after this many actions
    seed: int  # for the dossier's own draws (step times, officers)


def draw_plans(
    count: int,
    procedures: Sequence[ProcedureChoice],
    calendar: WorkingCalendar,
    start: datetime,
    end: datetime,
    seed: int,
) -> Iterator[DossierPlan]:
    """``count`` dossiers arriving evenly (with jitter) over the working hours of [start, end)."""
    rng = random.Random(seed)
    weighted = _procedure_weights(procedures)
    hours = calendar.working_hours_between(start, end)
    fates = [fate for fate, share in FATE_SHARES for _ in range(share)]
    channels = [channel for channel, share in CHANNEL_SHARES for _ in range(share)]
    moment, offset = start, Decimal(0)
    for number in range(count):
        later = (Decimal(number) + Decimal(str(rng.random()))) * hours / Decimal(count)
        step = (later - offset).quantize(Decimal("0.001"))
        moment, offset = calendar.add_working_hours(moment, step), offset + step  # in order
        yield DossierPlan(
            number=number,
            procedure_code=rng.choices(weighted[0], weighted[1])[0],
            channel=rng.choice(channels),
            fate=rng.choice(fates),
            arrival=moment,
            slow_action=rng.randint(1, 3),
            withdraw_after=rng.randint(1, 3),
            seed=rng.randrange(2**32),
        )


def _procedure_weights(procedures: Sequence[ProcedureChoice]) -> tuple[list[str], list[float]]:
    """Each level's share split evenly among its procedures; unknown levels get a small share."""
    by_level: dict[str, list[str]] = {}
    for choice in procedures:
        by_level.setdefault(choice.level, []).append(choice.code)
    codes: list[str] = []
    weights: list[float] = []
    for level, members in sorted(by_level.items()):
        for code in sorted(members):
            codes.append(code)
            weights.append(LEVEL_SHARES.get(level, 5) / len(members))
    if not codes:
        raise ValueError("no procedures to simulate")
    return codes, weights
