"""Commands: every change to a dossier, as data that can be stored and replayed.

A command has a name and a payload (what the history records), an
``authorize`` step checked only when it is first issued (replay trusts the
record), and an ``apply`` step that changes the dossier aggregate.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from engine.definitions.executable import TaskKind
from engine.definitions.organisation import Organisation

from ..notify.intents import Notification, applicant
from .deadlines import TimerKind, applicant_apology, fire
from .dossier import ApplyContext, Dossier, DossierStatus, OpenTask, iso_utc
from .errors import InvalidCommand, InvalidTransition, NotAuthorised, TaskClaimedByOther

__all__ = [
    "Actor",
    "Command",
    "Claim",
    "Unclaim",
    "Reassign",
    "Complete",
    "Resume",
    "ReturnResult",
    "Withdraw",
    "Stop",
    "FireTimer",
    "RecordApology",
    "COMMANDS",
    "command_from_event",
    "register_command",
    "postal_number",
]

SUPERVISOR_ROLES = frozenset({"head", "leader"})
_POSTAL_NUMBER = re.compile(r"^[A-Z0-9]{8,20}$")


def postal_number(value: str | None, field_name: str = "tracking_number") -> str:
    """A postal item number (mã bưu gửi, e.g. EB123456789VN): 8-20 letters and digits."""
    cleaned = "".join((value or "").split()).upper()
    if not _POSTAL_NUMBER.match(cleaned):
        raise InvalidCommand(
            "Mã bưu gửi phải gồm 8 đến 20 chữ cái không dấu và chữ số (ví dụ EB123456789VN).",
            field=field_name,
        )
    return cleaned


@dataclass(frozen=True)
class Actor:
    """Who issues a command: an officer, or the system itself (timers)."""

    username: str
    user_id: int | None = None
    unit_id: str | None = None
    roles: frozenset[str] = frozenset()
    full_name: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(username="system", full_name="Hệ thống")

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def can_work(self, unit: str, role: str) -> bool:
        return self.unit_id == unit and role in self.roles

    def supervises(self, unit: str) -> bool:
        return self.unit_id == unit and bool(self.roles & SUPERVISOR_ROLES)


class Command:
    name: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Command:
        return cls(**payload)

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        raise NotImplementedError

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        raise NotImplementedError


def _require_worker(task: OpenTask, actor: Actor) -> None:
    if not actor.can_work(task.unit, task.role):
        raise NotAuthorised(
            f"Công việc “{task.name}” thuộc đơn vị {task.unit}, vai trò {task.role}; "
            "bạn không được giao xử lý.",
            unit=task.unit,
            role=task.role,
        )
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        raise TaskClaimedByOther(
            f"Công việc “{task.name}” đang do cán bộ khác xử lý.", assignee=task.assignee_id
        )


def _require_agency_staff(dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
    """The competent agency's staff, the reception desk that took the dossier in (often a
    public service centre of another agency), or whoever holds one of its open tasks."""
    in_agency = actor.unit_id is not None and organisation.belongs_to(
        actor.unit_id, dossier.agency_id
    )
    reception = next(dossier.definition.procedure.iter_steps(), None)
    at_desk = reception is not None and actor.can_work(reception.unit, reception.role)
    works_on_it = any(actor.can_work(t.unit, t.role) for t in dossier.open_tasks.values())
    if not (in_agency or at_desk or works_on_it):
        raise NotAuthorised(
            f"Bạn không thuộc cơ quan giải quyết hồ sơ {dossier.code}.", agency=dossier.agency_id
        )


@dataclass
class Claim(Command):
    """Nhận xử lý: take an unassigned task of one's unit and role."""

    name: ClassVar[str] = "claim"
    task: str
    user_id: int

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        _require_worker(dossier.task(self.task), actor)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.assign(self.task, self.user_id)


@dataclass
class Unclaim(Command):
    """Trả lại hàng chờ: put a claimed task back in the unit's queue."""

    name: ClassVar[str] = "unclaim"
    task: str

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        task = dossier.task(self.task)
        if task.assignee_id != actor.user_id and not actor.supervises(task.unit):
            raise NotAuthorised("Chỉ người đang xử lý hoặc lãnh đạo đơn vị được trả lại công việc.")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.assign(self.task, None)


@dataclass
class Reassign(Command):
    """Chuyển người xử lý: the assignee or the unit's head gives a task to a colleague."""

    name: ClassVar[str] = "reassign"
    task: str
    to_user_id: int
    reason: str = ""

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        task = dossier.task(self.task)
        if task.assignee_id != actor.user_id and not actor.supervises(task.unit):
            raise NotAuthorised("Chỉ người đang xử lý hoặc lãnh đạo đơn vị được chuyển công việc.")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.assign(self.task, self.to_user_id)


@dataclass
class Complete(Command):
    """Hoàn thành bước: finish a task with one of the decisions its step offers."""

    name: ClassVar[str] = "complete"
    task: str
    decision: str
    user_id: int | None
    form_data: dict[str, Any] = field(default_factory=dict)

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        task = dossier.task(self.task)
        _require_worker(task, actor)
        if task.kind is TaskKind.SUPPLEMENT:
            raise InvalidCommand("Hồ sơ đang chờ bổ sung; dùng chức năng tiếp nhận bổ sung.")
        if task.kind is TaskKind.APOLOGY:
            raise InvalidCommand("Dùng chức năng lập văn bản xin lỗi để hoàn thành việc này.")
        if self.decision == "supplement" and not _reasons(self.form_data, "missing"):
            raise InvalidCommand(
                "Yêu cầu bổ sung phải nêu rõ giấy tờ cần bổ sung (missing).", field="missing"
            )
        if (
            self.decision in ("refuse", "return")
            and not str(self.form_data.get("reason", "")).strip()
        ):
            raise InvalidCommand("Phải nêu lý do.", field="reason")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.complete(self.task, self.decision, self.form_data, self.user_id, ctx)
        if self.decision == "refuse":
            dossier.outcome["refusal_reason"] = self.form_data.get("reason")
        if self.decision == "supplement":
            dossier.outcome.setdefault("supplement_requests", []).append(
                {
                    "at": iso_utc(ctx.now),
                    "task": self.task,
                    "missing": self.form_data.get("missing"),
                    "reason": self.form_data.get("reason"),
                }
            )


def _reasons(form_data: dict[str, Any], key: str) -> list[Any]:
    value = form_data.get(key)
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if str(v).strip()] if isinstance(value, list) else []


@dataclass
class Resume(Command):
    """Tiếp nhận bổ sung: the applicant has supplied what was missing; the clock runs again."""

    name: ClassVar[str] = "resume"
    user_id: int | None
    supplied: list[str] = field(default_factory=list)
    note: str = ""

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        self._waiting_task(dossier)
        _require_agency_staff(dossier, actor, organisation)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        task = self._waiting_task(dossier)
        form = {"supplied": self.supplied, "note": self.note}
        dossier.complete(task.key, "approve", form, self.user_id, ctx)

    @staticmethod
    def _waiting_task(dossier: Dossier) -> OpenTask:
        for task in dossier.iter_open():
            if task.kind is TaskKind.SUPPLEMENT:
                return task
        raise InvalidTransition(f"Hồ sơ {dossier.code} không ở trạng thái chờ bổ sung.")


@dataclass
class ReturnResult(Command):
    """Trả kết quả: hand the result to the applicant at the desk, online, or by post.

    By post (bưu chính công ích) the item's tracking number is required and the
    address is the one given, or the applicant's; the applicant is told both.
    """

    name: ClassVar[str] = "return_result"
    user_id: int | None
    method: str = "desk"  # desk | post | online
    tracking_number: str | None = None
    note: str = ""
    address: str | None = None

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        if self.method not in ("desk", "post", "online"):
            raise InvalidCommand(
                "Hình thức trả kết quả phải là desk, post hoặc online.", field="method"
            )
        if self.method == "post":
            if self.tracking_number is None or not self.tracking_number.strip():
                raise InvalidCommand(
                    "Trả qua bưu chính phải có mã vận đơn.", field="tracking_number"
                )
            postal_number(self.tracking_number)
            if not (self.address or dossier.applicant.address or "").strip():
                raise InvalidCommand("Trả qua bưu chính phải có địa chỉ nhận.", field="address")
        _require_worker(self._return_task(dossier), actor)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        task = self._return_task(dossier)
        form: dict[str, Any] = {
            "method": self.method,
            "tracking_number": self.tracking_number,
            "note": self.note,
        }
        if self.method == "post":
            form["tracking_number"] = postal_number(self.tracking_number)
            form["address"] = (self.address or dossier.applicant.address or "").strip()
        dossier.complete(task.key, "approve", form, self.user_id, ctx)
        dossier.outcome["returned"] = form
        if self.method == "post":
            dossier.notify(result_posted(dossier, form))

    @staticmethod
    def _return_task(dossier: Dossier) -> OpenTask:
        step = dossier.definition.procedure.return_step
        if dossier.status is DossierStatus.RESULT_READY and step is not None:
            for task in dossier.iter_open():
                if task.step_id == step.id:
                    return task
        raise InvalidTransition(
            f"Hồ sơ {dossier.code} chưa có kết quả để trả.", status=dossier.status.value
        )


@dataclass
class Withdraw(Command):
    """Rút hồ sơ: the applicant withdraws the dossier."""

    name: ClassVar[str] = "withdraw"
    reason: str

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        _require_reason(self.reason)
        dossier.require_active()
        _require_agency_staff(dossier, actor, organisation)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.outcome["withdraw_reason"] = self.reason
        dossier.cancel(DossierStatus.WITHDRAWN, ctx)


@dataclass
class Stop(Command):
    """Dừng giải quyết at the applicant's request; the agency issues a stop notice (Mẫu 05)."""

    name: ClassVar[str] = "stop"
    reason: str

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        _require_reason(self.reason)
        dossier.require_active()
        _require_agency_staff(dossier, actor, organisation)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.outcome["stop_reason"] = self.reason
        dossier.cancel(DossierStatus.STOPPED, ctx)


@dataclass
class FireTimer(Command):
    """A deadline was reached: warn, mark late, escalate or ask for the apology letter."""

    name: ClassVar[str] = "fire_timer"
    kind: str
    task: str | None
    due_at: str

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        if not actor.is_system:
            raise NotAuthorised("Chỉ hệ thống được kích hoạt mốc thời hạn.")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        fire(dossier, TimerKind(self.kind), self.task, ctx)


@dataclass
class RecordApology(Command):
    """Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04): the new appointment date, set once."""

    name: ClassVar[str] = "record_apology"
    task: str
    user_id: int | None
    reason: str
    new_due_at: str
    number: str = ""  # the letter's number (Số: …/…)

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        task = dossier.task(self.task)
        if task.kind is not TaskKind.APOLOGY:
            raise InvalidCommand("Đây không phải việc lập văn bản xin lỗi.")
        if not (actor.can_work(task.unit, task.role) or actor.supervises(task.unit)):
            raise NotAuthorised("Văn bản xin lỗi do lãnh đạo đơn vị đang giữ hồ sơ lập.")
        _require_reason(self.reason)
        if dossier.apologised:
            raise InvalidTransition("Ngày hẹn mới chỉ được đặt một lần.")
        new_due = _moment(self.new_due_at)
        if dossier.due_at is not None and new_due <= dossier.due_at:
            raise InvalidCommand("Ngày hẹn mới phải sau ngày hẹn hiện tại.", field="new_due_at")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        new_due = _moment(self.new_due_at)
        apology = {
            "at": iso_utc(ctx.now),
            "reason": self.reason,
            "number": self.number,
            "old_due_at": iso_utc(dossier.due_at),
            "new_due_at": iso_utc(new_due),
            "unit": dossier.task(self.task).unit,
        }
        dossier.close_side_task(self.task, self.user_id, apology, ctx)
        dossier.outcome.setdefault("apologies", []).append(apology)
        dossier.apologised = True
        dossier.overdue = True  # an apology admits the delay: the dossier counts late
        dossier.due_at = new_due
        dossier.refresh_late_status()
        dossier.notify(applicant_apology(dossier, self.reason, new_due))


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as error:
        raise InvalidCommand("Ngày hẹn mới không hợp lệ.", field="new_due_at") from error
    if moment.tzinfo is None:
        raise InvalidCommand("Ngày hẹn mới phải có múi giờ.", field="new_due_at")
    return moment


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidCommand("Phải nêu lý do.", field="reason")


COMMANDS: dict[str, type[Command]] = {
    command.name: command
    for command in (
        Claim,
        Unclaim,
        Reassign,
        Complete,
        Resume,
        ReturnResult,
        Withdraw,
        Stop,
        FireTimer,
        RecordApology,
    )
}


def command_from_event(name: str, payload: dict[str, Any]) -> Command:
    return COMMANDS[name].from_payload(payload)


CommandType = TypeVar("CommandType", bound=type[Command])


def register_command(command: CommandType) -> CommandType:
    """Make a command of another package (digitisation) replayable by its name."""
    known = COMMANDS.setdefault(command.name, command)
    if known is not command:
        raise ValueError(f"two commands are named {command.name!r}")
    return command


def result_posted(dossier: Dossier, form: dict[str, Any]) -> Notification:
    return Notification(
        "result_posted",
        (applicant(),),
        {
            "code": dossier.code,
            "procedure": dossier.definition.procedure.name,
            "tracking_number": form["tracking_number"],
            "address": form["address"],
        },
    )
