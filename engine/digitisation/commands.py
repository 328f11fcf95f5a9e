"""Dossier commands of digitisation and payment, on the engine's one command path.

Each is recorded as one event of the dossier (so the history shows who scanned,
issued or took payment, and when) and replays like the runtime's own commands.
What a command needs from storage (the code of a paper just stored, say) is
settled by the service before the command is built, so its payload is all the
replay needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from engine.definitions.organisation import Organisation
from engine.runtime.commands import Actor, Command, register_command
from engine.runtime.dossier import ApplyContext, Dossier, DossierStatus, OpenTask, iso_utc
from engine.runtime.errors import InvalidCommand, InvalidTransition, NotAuthorised

from .errors import AlreadyPaid, ResultAlreadyAttached
from .projection import PAYMENT, RESULT

__all__ = ["FileFacts", "AttachScan", "AttachResult", "RecordPayment", "PAYMENT_METHODS"]

PAYMENT_METHODS = {
    "online": "Thanh toán trực tuyến",
    "cash": "Tiền mặt tại Bộ phận Một cửa",
    "transfer": "Chuyển khoản",
}


@dataclass
class FileFacts:
    """The stored file a command refers to (engine.files): key = SHA-256."""

    file_key: str
    file_name: str
    media_type: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_key": self.file_key,
            "file_name": self.file_name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.file_key,
        }


def _handles(dossier: Dossier, actor: Actor) -> bool:
    def works(task: OpenTask) -> bool:
        if task.assignee_id is not None:
            return task.assignee_id == actor.user_id
        return actor.can_work(task.unit, task.role)

    return any(works(task) for task in dossier.open_tasks.values())


@register_command
@dataclass
class AttachScan(Command):
    """Số hóa thành phần hồ sơ: the scan of a component, from an officer handling the dossier.

    ``digitized_code`` is the code the scan got in the applicant's data store.
    """

    name: ClassVar[str] = "attach_scan"
    component: str
    file: dict[str, Any]
    digitized_code: str | None = None

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        dossier.require_active()
        if self.component not in {c.code for c in dossier.definition.procedure.components}:
            raise InvalidCommand(
                f"Thành phần hồ sơ “{self.component}” không có trong thủ tục.",
                field="component",
            )
        if not _handles(dossier, actor):
            raise NotAuthorised(f"Bạn không đang xử lý hồ sơ {dossier.code}.")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        """The component rows hold the file; the dossier's state does not change."""


@register_command
@dataclass
class AttachResult(Command):
    """Kết quả điện tử: the signed result file, attached when the result is ready.

    It goes into the applicant's data store (``code``, ``paper_id``) in the same
    transaction, valid for reuse in later procedures.
    """

    name: ClassVar[str] = "attach_result"
    file: dict[str, Any]
    number: str | None = None
    summary: str | None = None
    issued_on: str | None = None
    valid_until: str | None = None
    signed_by: str | None = None
    code: str | None = None
    paper_id: str | None = None

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        if RESULT in dossier.outcome:
            raise ResultAlreadyAttached(f"Hồ sơ {dossier.code} đã có kết quả điện tử.")
        task = _return_task(dossier)
        if not (actor.can_work(task.unit, task.role) or task.assignee_id == actor.user_id):
            raise NotAuthorised("Kết quả điện tử do cán bộ trả kết quả đính kèm.")
        for value, name in ((self.issued_on, "issued_on"), (self.valid_until, "valid_until")):
            if value is not None:
                parse_day(value, name)

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        dossier.outcome[RESULT] = {
            **self.file,
            "number": self.number,
            "summary": self.summary,
            "issued_on": self.issued_on,
            "valid_until": self.valid_until,
            "signed_by": self.signed_by,
            "code": self.code,
            "paper_id": self.paper_id,
            "attached_at": iso_utc(ctx.now),
        }


def _return_task(dossier: Dossier) -> OpenTask:
    step = dossier.definition.procedure.return_step
    if dossier.status is DossierStatus.RESULT_READY and step is not None:
        for task in dossier.iter_open():
            if task.step_id == step.id:
                return task
    raise InvalidTransition(
        f"Hồ sơ {dossier.code} chưa có kết quả: chỉ đính kèm kết quả khi hồ sơ chờ trả.",
        status=dossier.status.value,
    )


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidCommand(f"Ngày không hợp lệ: {value!r} (YYYY-MM-DD).", field=field) from error


@register_command
@dataclass
class RecordPayment(Command):
    """Thu phí, lệ phí: online (from the gateway's verified notice) or at the desk."""

    name: ClassVar[str] = "record_payment"
    method: str  # online | cash | transfer
    amount: int  # VND
    paid_at: str  # ISO 8601 with offset
    reference: str | None = None  # transaction reference (mã giao dịch) or receipt number
    order_ref: str | None = None  # our order with the gateway, online only

    def authorize(self, dossier: Dossier, actor: Actor, organisation: Organisation) -> None:
        if self.method not in PAYMENT_METHODS:
            raise InvalidCommand(
                f"Hình thức thanh toán phải là {', '.join(PAYMENT_METHODS)}.", field="method"
            )
        if dossier.definition.procedure.fee <= 0:
            raise InvalidCommand("Thủ tục này không thu phí, lệ phí.", field="method")
        if self.amount <= 0:
            raise InvalidCommand("Số tiền phải lớn hơn 0.", field="amount")
        if PAYMENT in dossier.outcome:
            raise AlreadyPaid(f"Hồ sơ {dossier.code} đã được thanh toán phí, lệ phí.")
        if self.method == "online":
            if not actor.is_system:
                raise NotAuthorised("Thanh toán trực tuyến chỉ được ghi nhận từ cổng thanh toán.")
            return  # money that arrived is recorded even on a dossier closed meanwhile
        dossier.require_active()
        in_agency = actor.unit_id is not None and organisation.belongs_to(
            actor.unit_id, dossier.agency_id
        )
        if not (in_agency or _handles(dossier, actor)):
            raise NotAuthorised(f"Bạn không thuộc cơ quan giải quyết hồ sơ {dossier.code}.")

    def apply(self, dossier: Dossier, ctx: ApplyContext) -> None:
        paid_at = datetime.fromisoformat(self.paid_at)
        dossier.outcome[PAYMENT] = {
            "method": self.method,
            "amount": self.amount,
            "paid_at": iso_utc(paid_at),
            "reference": self.reference,
            "order_ref": self.order_ref,
        }
