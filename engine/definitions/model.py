"""The validated model of a procedure definition (thủ tục hành chính + quy trình nội bộ).

A designer writes YAML (or draws BPMN); both end up as a :class:`Procedure`.
The model is immutable and knows nothing of files: positions for error
messages live in the loader, not here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "HOURS_PER_WORKING_DAY",
    "Level",
    "TimeUnit",
    "Duration",
    "Decision",
    "Target",
    "SupplementPolicy",
    "ClockPolicy",
    "Component",
    "Result",
    "Step",
    "ParallelBlock",
    "InterAgency",
    "Node",
    "Procedure",
]

HOURS_PER_WORKING_DAY = Decimal(8)


class Level(StrEnum):
    """Cấp: the administrative level that runs the procedure."""

    TINH = "tinh"
    HUYEN = "huyen"
    XA = "xa"

    @property
    def label(self) -> str:
        return {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}[self.value]


class TimeUnit(StrEnum):
    DAYS = "working_days"
    HOURS = "working_hours"


@dataclass(frozen=True, order=True)
class Duration:
    """A span of working time, kept in the unit the designer wrote.

    The unit matters for counting: a limit in working days does not count the
    day of receipt, a limit in working hours starts at once (DOMAIN.md, "Time").
    """

    amount: Decimal
    unit: TimeUnit = TimeUnit.DAYS

    @classmethod
    def days(cls, amount: float | int | str | Decimal) -> Duration:
        return cls(Decimal(str(amount)), TimeUnit.DAYS)

    @classmethod
    def hours(cls, amount: float | int | str | Decimal) -> Duration:
        return cls(Decimal(str(amount)), TimeUnit.HOURS)

    @classmethod
    def zero(cls) -> Duration:
        return cls(Decimal(0), TimeUnit.HOURS)

    @property
    def working_hours(self) -> Decimal:
        if self.unit is TimeUnit.DAYS:
            return self.amount * HOURS_PER_WORKING_DAY
        return self.amount

    def __add__(self, other: Duration) -> Duration:
        if self.unit is other.unit:
            return Duration(self.amount + other.amount, self.unit)
        return Duration(self.working_hours + other.working_hours, TimeUnit.HOURS)

    def exceeds(self, other: Duration) -> bool:
        return self.working_hours > other.working_hours

    def as_dict(self) -> dict[str, float | int]:
        amount = self.amount.normalize()
        number: float | int = int(amount) if amount == amount.to_integral() else float(amount)
        return {self.unit.value: number}

    def __str__(self) -> str:
        amount = self.amount.normalize()
        text = f"{amount:f}".replace(".", ",")
        return f"{text} ngày làm việc" if self.unit is TimeUnit.DAYS else f"{text} giờ làm việc"


class Decision(StrEnum):
    """What an officer decides when finishing a step."""

    APPROVE = "approve"
    RETURN = "return"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]


_DECISION_LABELS = {
    Decision.APPROVE: "Đồng ý, chuyển bước tiếp",
    Decision.RETURN: "Trả lại bước trước",
    Decision.SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    Decision.REFUSE: "Từ chối giải quyết",
}


class Target(StrEnum):
    """Outcome targets that are not steps."""

    SUPPLEMENT = "SUPPLEMENT"  # wait for the applicant, then come back to the same step
    REFUSE = "REFUSE"  # end the dossier as refused
    END = "END"  # the process is finished


class SupplementPolicy(StrEnum):
    PAUSE = "pause"  # the clock resumes with the time that was left (default)
    RESTART = "restart"  # the time limit starts again from zero


@dataclass(frozen=True)
class ClockPolicy:
    on_supplement: SupplementPolicy = SupplementPolicy.PAUSE
    cutoff: str | None = None  # "15:00": received later counts from the next working day


@dataclass(frozen=True)
class Component:
    """Thành phần hồ sơ: one paper the applicant supplies."""

    code: str
    name: str
    required: bool = True
    copies: int = 1
    original: bool = False  # bản chính (True) or bản sao
    digitize: bool = False
    reusable: bool = False  # may be taken from the applicant's data store
    paper_type: str | None = None
    form: str | None = None


@dataclass(frozen=True)
class Result:
    """Kết quả: the document the procedure produces."""

    name: str
    electronic: bool = True
    paper_type: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class Step:
    """Bước: one task of the internal procedure, done by a role of a unit.

    A waiting step (``wait=True``) is time the applicant spends outside the
    agency (paying financial obligations, say): it does not count against the
    time limit and has no duration of its own.
    """

    id: str
    name: str
    unit: str
    role: str
    duration: Duration = dataclass_field(default_factory=Duration.zero)
    outcomes: Mapping[str, str] = dataclass_field(default_factory=lambda: MappingProxyType({}))
    form: str | None = None
    wait: bool = False
    description: str | None = None

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(self.outcomes) or (Decision.APPROVE.value,)


@dataclass(frozen=True)
class ParallelBlock:
    """Xin ý kiến song song: consultations that must all finish before the next step."""

    id: str
    name: str
    branches: tuple[Step, ...]

    @property
    def duration(self) -> Duration:
        return max((b.duration for b in self.branches), key=lambda d: d.working_hours)


@dataclass(frozen=True)
class InterAgency:
    """Liên thông: steps run by another agency with its own share of the time limit."""

    id: str
    name: str
    agency: str
    time_share: Duration
    steps: tuple[Step, ...]


Node = Step | ParallelBlock | InterAgency


@dataclass(frozen=True)
class Procedure:
    """Thủ tục hành chính with its approved internal procedure."""

    code: str
    name: str
    level: Level
    field: str
    agency: str
    time_limit: Duration
    steps: tuple[Node, ...]
    fee: int = 0
    components: tuple[Component, ...] = ()
    result: Result | None = None
    clock: ClockPolicy = dataclass_field(default_factory=ClockPolicy)
    legal_basis: tuple[str, ...] = ()
    description: str | None = None

    def iter_steps(self) -> Iterator[Step]:
        """Every task step, in order, inside blocks and inter-agency groups too."""
        for node in self.steps:
            if isinstance(node, Step):
                yield node
            elif isinstance(node, ParallelBlock):
                yield from node.branches
            else:
                yield from node.steps

    def step(self, step_id: str) -> Step:
        for step in self.iter_steps():
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def return_step(self) -> Step | None:
        """The last step hands the result back (Trả kết quả); the result is ready when it opens."""
        last = self.steps[-1] if self.steps else None
        return last if isinstance(last, Step) and not last.wait else None
