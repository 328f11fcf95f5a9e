"""Demo data: officers for every unit the sample procedures use, and dossiers in every state.

Everything goes through the engine as it would in real use, on a fake clock
set in the past: dossiers are received over the last weeks and worked step by
step, some are left waiting, some are late on purpose. When the demo is then
served on the real clock, the scheduler fires the deadlines that have passed
(warnings, overdue marks, apology letters), as it would after a weekend.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from engine.clock import FakeClock
from engine.definitions.executable import TaskKind
from engine.digitisation.demo import sample_components, seed_demo_applicants
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.engine import Engine
from engine.runtime.users import User

__all__ = ["DEMO_PASSWORD", "DemoUser", "DemoSummary", "seed_demo"]

DEMO_PASSWORD = "motcua-demo"
_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
_MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc", "Thu", "Hoàng", "Đức"]
_GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Uyên",
    "Vy",
    "Yến",
]
_ROLE_PREFIX = {"officer": "cv", "head": "tp", "leader": "ld"}
_TITLES = {"officer": "Chuyên viên", "head": "Trưởng phòng", "leader": "Lãnh đạo"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit: str | None
    roles: tuple[str, ...]


@dataclass
class DemoSummary:
    users: list[DemoUser] = field(default_factory=list)
    dossiers: dict[str, str] = field(default_factory=dict)  # code → the state it was left in


@dataclass
class _Demo:
    engine: Engine
    clock: FakeClock
    rng: random.Random
    now: datetime
    staff: dict[tuple[str, str], list[User]] = field(default_factory=dict)
    summary: DemoSummary = field(default_factory=DemoSummary)

    def person(self) -> str:
        return f"{self.rng.choice(_FAMILY)} {self.rng.choice(_MIDDLE)} {self.rng.choice(_GIVEN)}"


def seed_demo(engine: Engine, clock: FakeClock, now: datetime, seed: int = 2026) -> DemoSummary:
    """Users for the deployed procedures and a few dozen dossiers, in every state.

    Each dossier is received some working hours before ``now`` (the real time the
    demo starts) and worked from there; ``clock`` is the engine's fake clock.
    """
    demo = _Demo(engine, clock, random.Random(seed), now)
    _create_staff(demo)
    seed_demo_applicants(engine)
    subtract = engine.calendar.subtract_working_hours
    for index, deployed in enumerate(engine.repository.list_latest()):
        for state, hours_ago, script in _SCRIPTS:
            clock.set(subtract(now, Decimal(hours_ago + index)))
            code = _receive(demo, deployed.code)
            if code is None:
                continue
            script(demo, code)
            demo.summary.dossiers[code] = state
    return demo.summary


# --- staff -----------------------------------------------------------------------------------


def _needed_posts(engine: Engine) -> set[tuple[str, str]]:
    posts: set[tuple[str, str]] = set()
    for deployed in engine.repository.list_latest():
        for task in engine.repository.definition(deployed).tasks.values():
            if task.kind is not TaskKind.SUPPLEMENT:
                posts.add((task.step.unit, task.step.role))
                posts.add((task.step.unit, "head"))  # escalations and apology letters
    return posts


def _create_staff(demo: _Demo) -> None:
    taken: set[str] = set()
    for unit, role in sorted(_needed_posts(demo.engine)):
        for number in range(2 if role == "officer" else 1):
            username = _username(role, unit, number, taken)
            name = demo.person()
            user = demo.engine.users.create(
                username, name, unit, [role], DEMO_PASSWORD, title=_TITLES.get(role)
            )
            demo.staff.setdefault((unit, role), []).append(user)
            demo.summary.users.append(DemoUser(username, name, unit, (role,)))
    for username, role, name in (
        ("thanhtra", "auditor", "Đinh Thị Thanh Tra"),
        ("quantri", "admin", "Quản Trị Hệ Thống"),
        ("thietke", "designer", "Trương Văn Thiết Kế"),
    ):
        demo.engine.users.create(username, name, None, [role], DEMO_PASSWORD)
        demo.summary.users.append(DemoUser(username, name, None, (role,)))


def _username(role: str, unit: str, number: int, taken: set[str]) -> str:
    base = f"{_ROLE_PREFIX.get(role, role)}.{unit}"[:58]
    name = base if number == 0 else f"{base}{number + 1}"
    while name in taken:
        name += "x"
    taken.add(name)
    return name


def _worker(demo: _Demo, unit: str, role: str) -> Actor:
    return demo.rng.choice(demo.staff[(unit, role)]).actor


# --- dossiers --------------------------------------------------------------------------------


def _receive(demo: _Demo, procedure_code: str) -> str | None:
    deployed = demo.engine.repository.latest(procedure_code)
    definition = demo.engine.repository.definition(deployed)
    procedure = definition.procedure
    first = next(procedure.iter_steps())
    papers = sample_components(demo.engine, procedure_code)  # scans where they are required
    applicant = Applicant(
        demo.person(),
        id_number=f"0{demo.rng.randrange(10**10, 10**11)}",
        address="Thôn Phú Hòa, xã Phước Lộc",
        phone="09" + str(demo.rng.randrange(10**7, 10**8)),
    )
    channel = demo.rng.choice([Channel.DESK, Channel.DESK, Channel.ONLINE, Channel.POST])
    outcome = demo.engine.runtime.receive(
        procedure_code, applicant, _worker(demo, first.unit, first.role), channel, papers
    )
    return outcome.dossier_code


def _open_tasks(demo: _Demo, code: str) -> Iterator[tuple[int, str, str, str]]:
    for task in demo.engine.runtime.get(code).open_tasks:
        if task.kind in (TaskKind.STEP.value, TaskKind.CONSULTATION.value, TaskKind.WAIT.value):
            yield task.id, task.unit_id, task.role, task.step_id


def _holder(demo: _Demo, task_id: int, unit: str, role: str) -> Actor:
    """Whoever has the task claimed, else any officer of its unit and role."""
    assignee = demo.engine.tasks.get(task_id).assignee_id
    if assignee is not None:
        return demo.engine.users.by_id(assignee).actor
    return _worker(demo, unit, role)


def _advance(demo: _Demo, code: str, steps: int, *, hours: float = 2) -> None:
    """Approve whatever is open, ``steps`` times, a couple of working hours apart."""
    for _ in range(steps):
        tasks = list(_open_tasks(demo, code))
        if not tasks:
            return
        task_id, unit, role, _ = tasks[0]
        _tick(demo, hours)
        demo.engine.tasks.complete(task_id, _holder(demo, task_id, unit, role))


def _tick(demo: _Demo, working_hours: float) -> None:
    """Move the fake clock on by working time, never past the real present."""
    later = demo.engine.calendar.add_working_hours(demo.clock.now(), Decimal(str(working_hours)))
    demo.clock.set(min(later, demo.now - timedelta(minutes=1)))


def _finish(demo: _Demo, code: str) -> None:
    _advance(demo, code, 30)
    dossier = demo.engine.runtime.get(code)
    if dossier.status.value == "result_ready":
        step = demo.engine.repository.definition(
            demo.engine.repository.latest(dossier.procedure_code)
        ).procedure.return_step
        if step is not None:
            demo.engine.runtime.return_result(code, _worker(demo, step.unit, step.role))


def _ask_supplement(demo: _Demo, code: str) -> bool:
    for task_id, unit, role, _ in _open_tasks(demo, code):
        decisions = demo.engine.repository.definition(
            demo.engine.repository.latest(demo.engine.runtime.get(code).procedure_code)
        ).tasks
        if "supplement" in decisions[demo.engine.tasks.get(task_id).step_id].step.decisions:
            demo.engine.tasks.request_supplement(
                task_id,
                _holder(demo, task_id, unit, role),
                ["Bản sao có chứng thực giấy tờ tùy thân"],
                "Bản sao không rõ nét",
            )
            return True
    return False


def _refuse(demo: _Demo, code: str) -> None:
    for task_id, unit, role, step in _open_tasks(demo, code):
        definition = demo.engine.repository.definition(
            demo.engine.repository.latest(demo.engine.runtime.get(code).procedure_code)
        )
        if "refuse" in definition.tasks[step].step.decisions:
            demo.engine.tasks.complete(
                task_id,
                _holder(demo, task_id, unit, role),
                "refuse",
                {"reason": "Hồ sơ không đủ điều kiện theo quy định"},
            )
            return


def _script(*actions: Callable[[_Demo, str], object]) -> Callable[[_Demo, str], None]:
    def run(demo: _Demo, code: str) -> None:
        for action in actions:
            action(demo, code)

    return run


def _step(count: int, hours: float = 2) -> Callable[[_Demo, str], None]:
    return lambda demo, code: _advance(demo, code, count, hours=hours)


def _until_supplement(demo: _Demo, code: str) -> None:
    for _ in range(5):
        if _ask_supplement(demo, code):
            return
        _advance(demo, code, 1)


def _until_refused(demo: _Demo, code: str) -> None:
    for _ in range(5):
        before = demo.engine.runtime.get(code).status
        _refuse(demo, code)
        if demo.engine.runtime.get(code).status != before:
            return
        _advance(demo, code, 1)


def _withdraw(demo: _Demo, code: str) -> None:
    dossier = demo.engine.runtime.get(code)
    task = dossier.open_tasks[0] if dossier.open_tasks else None
    if task is not None:
        demo.engine.runtime.withdraw(
            code,
            _worker(demo, task.unit_id, task.role),
            "Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ khác",
        )


def _to_result(demo: _Demo, code: str) -> None:
    for _ in range(30):
        if (
            demo.engine.runtime.get(code).status.value != "processing"
            and demo.engine.runtime.get(code).status.value != "received"
        ):
            return
        _advance(demo, code, 1)


# (state left in, working hours before now it was received, what happens to it)
_SCRIPTS: list[tuple[str, int, Callable[[_Demo, str], None]]] = [
    ("vừa tiếp nhận", 1, _script()),
    ("đang giải quyết", 10, _step(2)),
    ("chờ bổ sung", 20, _until_supplement),
    ("có kết quả, chờ trả", 40, _to_result),
    ("đã trả kết quả", 80, _finish),
    ("bị từ chối", 50, _until_refused),
    ("công dân rút hồ sơ", 30, _withdraw),
    ("để trễ hạn", 180, _step(1, hours=1)),
]
