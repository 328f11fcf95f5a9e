"""Trang hồ sơ: status, deadlines, the coloured process diagram, control sheet, history, replay.

Actions on the whole dossier live here too: the supplement was received
(resume), the result was handed over (return), the applicant withdrew it or
asked to stop. Auditors get a slider that rebuilds the dossier as it stood
after any event of its history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from flask import flash, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import FileStorage

from engine.audit.history import EventView, ReplayResult
from engine.digitisation.service import ResultFile
from engine.files import FileRejected
from engine.runtime.commands import ReturnResult
from engine.runtime.dossier import DossierStatus
from engine.runtime.errors import DomainError, InvalidCommand
from engine.runtime.views import DossierView

from ..auth import engine, login_required
from ..documents import applicable_forms, pdf_available
from ..problems import status_of
from . import NAV, bp
from .access import AUDITOR, readable_dossier
from .common import actor, definition, organisation, safe_next, user
from .diagram import Progress, diagram_svg, end_progress, task_progress
from .labels import RETURN_METHODS, event_label
from .parts import component_rows, data_sections, outcome_rows

NAV.append(("web.dossiers", "Hồ sơ", frozenset()))


@dataclass
class Problems:
    """What the last action on the page got wrong: a message, and errors beside fields."""

    message: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


@bp.get("/dossiers")
@login_required
def dossiers() -> Any:
    """Open a dossier by its code (auditors and officers who have the code at hand)."""
    code = request.args.get("code", "").strip().upper()
    if code:
        return redirect(url_for("web.dossier", code=code))
    return render_template("dossiers.html")


@bp.get("/dossiers/<code>")
@login_required
def dossier(code: str) -> Any:
    return _render(readable_dossier(code))


@bp.get("/dossiers/<code>/files/<int:component_id>")
@login_required
def dossier_file(code: str, component_id: int) -> Any:
    readable_dossier(code)
    found = [c for c in engine().runtime.components(code) if c.id == component_id]
    if not found or not found[0].file_key or not engine().files.exists(found[0].file_key):
        raise InvalidCommand("Thành phần hồ sơ này không có tệp đính kèm.")
    item = found[0]
    engine().digitisation.log_download(code, component_id, actor())
    return send_file(
        engine().files.path_of(item.file_key or ""),
        mimetype=item.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=item.file_name or f"{item.code}.bin",
    )


@bp.post("/dossiers/<code>/resume")
@login_required
def resume(code: str) -> Any:
    supplied = request.form.getlist("supplied")
    note = request.form.get("note", "").strip()
    return _act(
        code,
        lambda: engine().runtime.resume(code, actor(), supplied, note),
        f"Đã nhận hồ sơ bổ sung; hồ sơ {code} tiếp tục được giải quyết.",
    )


@bp.post("/dossiers/<code>/return")
@login_required
def return_result(code: str) -> Any:
    method = request.form.get("method", "desk")
    tracking = request.form.get("tracking_number", "").strip() or None
    note = request.form.get("note", "").strip()
    address = request.form.get("address", "").strip() or None
    returned = ReturnResult(user().id, method, tracking, note, address)

    def act() -> None:
        result = _result_file()
        if result is None:
            engine().runtime.return_result(code, actor(), method, tracking, note, address)
        else:
            engine().digitisation.return_with_result(code, actor(), result, returned)

    return _act(code, act, f"Đã trả kết quả hồ sơ {code}.")


def _result_file() -> ResultFile | None:
    """The electronic result uploaded with the return, if any (it goes to the data store)."""
    upload: FileStorage | None = request.files.get("result_file")
    if upload is None or not upload.filename:
        return None
    try:
        stored = engine().files.put(cast(BinaryIO, upload.stream), upload.filename, upload.mimetype)
    except FileRejected as error:
        raise InvalidCommand(str(error), field="result_file") from error
    number = request.form.get("result_number", "").strip()[:100] or None
    return ResultFile(stored, number=number)


@bp.post("/dossiers/<code>/withdraw")
@login_required
def withdraw(code: str) -> Any:
    reason = request.form.get("reason", "").strip()
    return _act(
        code,
        lambda: engine().runtime.withdraw(code, actor(), reason),
        f"Đã ghi nhận công dân rút hồ sơ {code}.",
    )


@bp.post("/dossiers/<code>/stop")
@login_required
def stop(code: str) -> Any:
    reason = request.form.get("reason", "").strip()
    return _act(
        code,
        lambda: engine().runtime.stop(code, actor(), reason),
        f"Đã dừng giải quyết hồ sơ {code} (lập Thông báo dừng, Mẫu 05).",
    )


def _act(code: str, action: Any, done: str) -> Any:
    found = readable_dossier(code)
    try:
        action()
    except DomainError as error:
        where = error.details.get("field")
        problems = Problems(
            error.message,
            {str(where): error.message} if isinstance(where, str) else {},
            {k: str(v) for k, v in request.form.items() if k != "csrf_token"},
        )
        return _render(found, problems, status_of(error))
    flash(done, "info")
    return redirect(safe_next(url_for("web.dossier", code=code)))


def _render(found: DossierView, problems: Problems | None = None, status: int = 200) -> Any:
    current = engine()
    executable = definition(found.definition_id)
    tasks = current.tasks.of_dossier(found.code)
    now = current.clock.now()
    progress = end_progress(task_progress(tasks, now), found.status)
    events = current.history.events(found.code)
    page = render_template(
        "dossier.html",
        dossier=found,
        procedure=executable.procedure,
        step_names={k: spec.step.name for k, spec in executable.tasks.items()},
        open_tasks=[t for t in tasks if t.status == "open"],
        components=component_rows(found.code),
        sections=data_sections(found.data),
        outcome=outcome_rows(found),
        diagram=diagram_svg(executable.bpmn_xml, progress, f"Sơ đồ quy trình hồ sơ {found.code}"),
        sheet=current.history.control_sheet(found.code),
        events=events,
        event_label=event_label,
        people=_people(),
        replay=_replay(found, events, tasks),
        now=now,
        actions=_actions(found),
        return_methods=RETURN_METHODS,
        documents=applicable_forms(found),
        pdf=pdf_available(),
        problems=problems or Problems(),
    )
    return page, status


def _people() -> dict[str, str]:
    return {u.username: u.full_name for u in engine().users.list()} | {"system": "Hệ thống"}


def _actions(found: DossierView) -> set[str]:
    """The dossier actions to offer this user; the engine still checks each one."""
    me = user()
    if found.status.is_closed or me.unit_id is None:
        return set()
    in_agency = organisation().belongs_to(me.unit_id, found.agency_id)
    actions = {"withdraw", "stop"} if in_agency else set()
    if found.status is DossierStatus.WAITING_SUPPLEMENT and in_agency:
        actions.add("resume")
    if found.status is DossierStatus.RESULT_READY and any(
        me.actor.can_work(t.unit_id, t.role) for t in found.open_tasks
    ):
        actions.add("return")
    return actions


@dataclass(frozen=True)
class Replay:
    """The auditor's view of the dossier after event ``seq``."""

    seq: int
    event: EventView
    result: ReplayResult
    diagram: Any

    @property
    def state(self) -> dict[str, Any]:
        return self.result.state


def _replay(found: DossierView, events: list[EventView], tasks: list[Any]) -> Replay | None:
    if AUDITOR not in user().roles or not events:
        return None
    seq = request.args.get("at", type=int) or len(events)
    seq = min(max(seq, 1), len(events))
    event = events[seq - 1]
    result = engine().history.replay(found.code, event.occurred_at)
    progress = task_progress(tasks, engine().clock.now(), at=event.occurred_at)
    status = DossierStatus(result.state.get("status", found.status.value))
    progress = end_progress(_current_from(progress, result), status)
    executable = definition(found.definition_id)
    svg = diagram_svg(
        executable.bpmn_xml, progress, f"Trạng thái hồ sơ {found.code} tại bước {seq}"
    )
    return Replay(seq, event, result, svg)


def _current_from(progress: Progress, result: ReplayResult) -> Progress:
    """The replayed state's open tasks are the current steps at that moment."""
    open_steps = frozenset(t["step"] for t in result.state.get("open_tasks", []))
    return Progress(progress.done, open_steps, progress.late)
