"""Response bodies more than one area returns: tasks, dossiers, dossier lines, pages."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from engine.runtime.dossier import Channel, DossierStatus
from engine.runtime.views import DossierSummary, DossierView, TaskView

from .schemas import ApiSchema, LocalDateTime

__all__ = [
    "STATUSES",
    "TaskSchema",
    "TaskPageSchema",
    "DossierSummarySchema",
    "DossierPageSchema",
    "DossierSchema",
    "task_body",
    "summary_body",
    "dossier_body",
]

STATUSES = [status.value for status in DossierStatus]
CHANNELS = [channel.value for channel in Channel]
TASK_KINDS = ["step", "consultation", "supplement", "wait", "apology"]


def _status(**kwargs: Any) -> fields.String:
    return fields.String(metadata={"enum": STATUSES}, **kwargs)


class TaskSchema(ApiSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True, metadata={"example": "tham_dinh@3"})
    dossier_code = fields.String(required=True)
    procedure_code = fields.String(required=True)
    applicant_name = fields.String(required=True)
    step_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": TASK_KINDS})
    unit_id = fields.String(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "completed", "cancelled"]})
    assignee_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime(required=True)
    due_at = LocalDateTime(allow_none=True)
    completed_at = LocalDateTime(allow_none=True)
    completed_by = fields.Integer(allow_none=True)
    decision = fields.String(allow_none=True)
    late = fields.Boolean(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "open and past its due time"})


class TaskPageSchema(ApiSchema):
    items = fields.List(fields.Nested(TaskSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class DossierSummarySchema(ApiSchema):
    code = fields.String(required=True, metadata={"example": "000.31.36.H10-261207-0001"})
    procedure_code = fields.String(required=True)
    agency_id = fields.String(required=True)
    applicant_name = fields.String(required=True)
    channel = fields.String(required=True, metadata={"enum": CHANNELS})
    status = _status(required=True)
    status_label = fields.String(required=True, metadata={"example": "Đang giải quyết"})
    received_at = LocalDateTime(required=True)
    due_at = LocalDateTime(
        allow_none=True, metadata={"description": "ngày hẹn trả kết quả (appointment)"}
    )
    finished_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    supplement_count = fields.Integer(required=True)
    overdue = fields.Boolean(required=True)


class DossierPageSchema(ApiSchema):
    items = fields.List(fields.Nested(DossierSummarySchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ApplicantOutSchema(ApiSchema):
    name = fields.String(required=True)
    id_number = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    organisation = fields.Boolean(required=True)


class DossierSchema(DossierSummarySchema):
    procedure_version = fields.Integer(required=True)
    applicant = fields.Nested(ApplicantOutSchema, required=True)
    received_by = fields.String(allow_none=True)
    original_due_at = LocalDateTime(allow_none=True)
    paused_at = LocalDateTime(allow_none=True)
    apologised = fields.Boolean(required=True)
    data = fields.Dict(required=True, metadata={"description": "the application e-form"})
    outcome = fields.Dict(required=True, metadata={"description": "reasons, result details"})
    version = fields.Integer(required=True, metadata={"description": "changes on every event"})
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True)


def task_body(task: TaskView, now: Any) -> dict[str, Any]:
    return {**vars(task), "overdue": task.overdue_at(now)}


def summary_body(item: DossierSummary) -> dict[str, Any]:
    return {**vars(item), "status": item.status.value, "status_label": item.status.label}


def dossier_body(view: DossierView, procedure_version: int, now: Any) -> dict[str, Any]:
    return {
        **vars(view),
        "applicant_name": view.applicant.get("name", ""),
        "status": view.status.value,
        "status_label": view.status.label,
        "procedure_version": procedure_version,
        "open_tasks": [task_body(task, now) for task in view.open_tasks],
    }
