"""Trang xử lý: one task with the dossier's data and files, its form and its decisions.

A step offers the decisions of its definition (Đồng ý / Trả lại / Yêu cầu bổ
sung / Từ chối); the last step returns the result; an apology task records
the Mẫu 04 letter; a dossier waiting for a supplement is resumed from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from engine.definitions.executable import ExecutableDefinition, TaskKind, TaskSpec
from engine.definitions.model import Decision
from engine.runtime.commands import RecordApology
from engine.runtime.errors import DomainError
from engine.runtime.views import DossierView, TaskView

from ..auth import engine, login_required
from ..problems import status_of
from . import bp
from .access import readable_dossier
from .common import actor, definition, user
from .eforms import FilledForm, blank, fill, form_named
from .labels import RETURN_METHODS, decision_label
from .parts import component_rows, data_sections, local_input, outcome_rows, parse_local_input

NEEDS_REASON = ("return", "refuse")


@dataclass
class TaskPage:
    """Everything the task page shows, and what the last post got wrong."""

    task: TaskView
    dossier: DossierView
    definition: ExecutableDefinition
    spec: TaskSpec | None
    step_form: FilledForm | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def kind(self) -> str:
        return self.task.kind

    @property
    def is_return_step(self) -> bool:
        step = self.definition.procedure.return_step
        return step is not None and self.task.step_id == step.id

    @property
    def decisions(self) -> list[tuple[str, str]]:
        if self.spec is None or self.kind in ("supplement", "apology") or self.is_return_step:
            return []
        codes = self.spec.step.decisions if self.spec.kind is TaskKind.STEP else ("approve",)
        return [(code, decision_label(code)) for code in codes]

    @property
    def offers(self) -> set[str]:
        return {code for code, _ in self.decisions}


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int) -> Any:
    return _render(_page(task_id))


@bp.post("/tasks/<int:task_id>")
@login_required
def complete(task_id: int) -> Any:
    page = _page(task_id)
    decision = request.form.get("decision", "")
    form_data = _decision_data(page, decision)
    if page.errors or (page.step_form is not None and not page.step_form.valid):
        page.error = "Chưa thể hoàn thành: xem các lỗi được đánh dấu bên dưới."
        return _render(page, 422)
    try:
        engine().tasks.complete(task_id, actor(), decision, form_data)
    except DomainError as error:
        return _failed(page, error)
    label = decision_label(decision, short=True)
    flash(f"Đã hoàn thành “{page.task.name}” của hồ sơ {page.task.dossier_code}: {label}.", "info")
    return redirect(url_for("web.inbox"))


@bp.post("/tasks/<int:task_id>/apology")
@login_required
def record_apology(task_id: int) -> Any:
    page = _page(task_id)
    page.values = {k: request.form.get(k, "").strip() for k in ("reason", "new_due_at", "number")}
    new_due = parse_local_input(page.values["new_due_at"], engine().tz)
    if not page.values["reason"]:
        page.errors["reason"] = "Phải nêu lý do chậm trễ."
    if new_due is None:
        page.errors["new_due_at"] = "Chọn ngày giờ hẹn trả kết quả mới."
    if page.errors or new_due is None:
        return _render(page, 422)
    command = RecordApology(
        page.task.key, user().id, page.values["reason"], new_due.isoformat(), page.values["number"]
    )
    try:
        engine().execute(page.task.dossier_code, command, actor())
    except DomainError as error:
        return _failed(page, error)
    flash(f"Đã lập văn bản xin lỗi và hẹn lại cho hồ sơ {page.task.dossier_code}.", "info")
    return redirect(url_for("web.dossier", code=page.task.dossier_code))


def _page(task_id: int) -> TaskPage:
    found = engine().tasks.get(task_id)
    dossier = readable_dossier(found.dossier_code)
    executable = definition(dossier.definition_id)
    spec = executable.tasks.get(found.step_id)
    step_form = form_named(spec.step.form) if spec is not None and found.kind == "step" else None
    filled = blank(step_form, "buoc__") if step_form is not None else None
    return TaskPage(found, dossier, executable, spec, filled)


def _decision_data(page: TaskPage, decision: str) -> dict[str, Any]:
    """The form data a decision carries; problems go to ``page.errors`` beside their field."""
    reason = request.form.get("reason", "").strip()
    other = request.form.get("missing_other", "")
    missing = request.form.getlist("missing") + [
        line.strip() for line in other.splitlines() if line.strip()
    ]
    page.values = {"reason": reason, "missing": missing, "missing_other": other}
    if decision not in page.offers:
        page.errors["decision"] = "Chọn một trong các quyết định của bước này."
    if decision in NEEDS_REASON and not reason:
        page.errors["reason"] = f"Phải nêu lý do khi chọn “{decision_label(decision, short=True)}”."
    if decision == Decision.SUPPLEMENT:
        if not missing:
            page.errors["missing"] = "Đánh dấu hoặc ghi rõ giấy tờ cần bổ sung."
        return {"missing": missing, "reason": reason}
    data: dict[str, Any] = {"reason": reason} if reason else {}
    if page.step_form is not None and decision == Decision.APPROVE:
        page.step_form = fill(page.step_form.form, page.step_form.prefix, request.form)
        data = {**page.step_form.data, **data}
    return data


def _failed(page: TaskPage, error: DomainError) -> Any:
    field_name = error.details.get("field")
    if isinstance(field_name, str):
        page.errors[field_name] = error.message
    page.error = error.message
    return _render(page, status_of(error))


def _render(page: TaskPage, status: int = 200) -> Any:
    current = engine()
    draft = page.dossier.outcome.get("apology_draft") or {}
    proposed = parse_local_input(str(draft.get("proposed_due_at") or ""), current.tz)
    html = render_template(
        "task.html",
        page=page,
        t=page.task,
        dossier=page.dossier,
        procedure=page.definition.procedure,
        components=component_rows(page.dossier.code),
        sections=data_sections(page.dossier.data),
        outcome=outcome_rows(page.dossier),
        now=current.clock.now(),
        return_methods=RETURN_METHODS,
        apology_reason=page.values.get("reason") or draft.get("reason", ""),
        apology_due=page.values.get("new_due_at") or local_input(proposed, current.tz),
        missing_asked=_missing_asked(page.dossier),
    )
    return html, status


def _missing_asked(dossier: DossierView) -> list[str]:
    requests = dossier.outcome.get("supplement_requests") or []
    if not requests:
        return []
    missing = requests[-1].get("missing") or []
    return [str(m) for m in missing] if isinstance(missing, list) else [str(missing)]
