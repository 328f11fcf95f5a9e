"""Tasks (công việc): the officer's inbox, and claim, unclaim, reassign, complete, supplement.

Who may act is decided by the engine from the task's unit and role (403 for
anyone else); a task completed by someone else in the meantime is a 409.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.runtime.tasks import InboxFilter, Page
from engine.runtime.users import User
from engine.runtime.views import TaskView

from ..auth import AuthError, engine
from .access import readable_dossier, readable_task
from .bodies import TaskPageSchema, TaskSchema, task_body
from .eforms import known_forms, validate_form_data
from .requests import JSON, caller, consumes, requires
from .schemas import ApiSchema, LocalDateTime, PageArgs, one_of, text

PREFIX = "/tasks"
blp = Blueprint("tasks", __name__, description="Công việc: hộp việc của cán bộ và xử lý")
DECISIONS = ["approve", "return", "supplement", "refuse"]


class InboxArgs(PageArgs):
    procedure = text(64)
    due_before = LocalDateTime()
    due_after = LocalDateTime()
    q = text(200, metadata={"description": "dossier code prefix or part of the applicant's name"})
    overdue = fields.Boolean(load_default=False)


class CountsSchema(ApiSchema):
    overdue = fields.Integer(required=True, metadata={"description": "quá hạn"})
    due_today = fields.Integer(required=True, metadata={"description": "đến hạn hôm nay"})
    due_this_week = fields.Integer(required=True, metadata={"description": "đến hạn trong tuần"})
    mine = fields.Integer(required=True)
    unit_queue = fields.Integer(required=True)
    by_procedure = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class TaskDetailSchema(TaskSchema):
    decisions = fields.List(
        fields.String(metadata={"enum": DECISIONS}),
        required=True,
        metadata={"description": "the decisions this step offers"},
    )
    form = fields.String(allow_none=True, metadata={"description": "the step's e-form, if any"})


class ReassignSchema(ApiSchema):
    to_username = text(100, required=True, not_blank=True)
    reason = text(2000, load_default="")


class CompleteSchema(ApiSchema):
    decision = fields.String(load_default="approve", validate=one_of(DECISIONS))
    reason = text(2000, metadata={"description": "required to return or refuse"})
    missing = fields.List(
        text(300),
        validate=validate.Length(max=100, error="Nhiều nhất 100 mục."),
        metadata={"description": "what the applicant must supply (decision supplement)"},
    )
    form_data = fields.Dict(load_default=dict, metadata={"description": "the step's e-form"})


class SupplementSchema(ApiSchema):
    missing = fields.List(
        text(300, not_blank=True),
        required=True,
        validate=validate.Length(min=1, max=100, error="Nêu từ 1 đến 100 giấy tờ cần bổ sung."),
    )
    reason = text(2000, load_default="")


def _inbox_user() -> User:
    user = caller()
    if user.unit_id is None:
        raise AuthError(403, "Tài khoản này không thuộc đơn vị xử lý hồ sơ nên không có hộp việc.")
    return user


def _inbox_filter(args: dict[str, Any]) -> InboxFilter:
    return InboxFilter(
        procedure_code=args.get("procedure"),
        due_before=args.get("due_before"),
        due_after=args.get("due_after"),
        query=args.get("q"),
        overdue_only=args["overdue"],
    )


def _page(page: Page) -> dict[str, Any]:
    now = engine().clock.now()
    return {"items": [task_body(t, now) for t in page.items], "next_cursor": page.next_cursor}


@blp.route("/mine")
class MyTasks(MethodView):
    @requires()
    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, TaskPageSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Việc của tôi: open tasks assigned to me, due first."""
        actor = _inbox_user().actor
        where = _inbox_filter(args)
        return _page(engine().tasks.my_tasks(actor, where, args.get("cursor"), args["limit"]))


@blp.route("/queue")
class UnitQueue(MethodView):
    @requires()
    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, TaskPageSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Việc chờ nhận: my unit's unclaimed tasks for my roles, due first."""
        actor = _inbox_user().actor
        tasks = engine().tasks
        return _page(
            tasks.unit_queue(actor, _inbox_filter(args), args.get("cursor"), args["limit"])
        )


@blp.route("/counts")
class Counts(MethodView):
    @requires()
    @blp.response(200, CountsSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self) -> Any:
        """Số việc: overdue, due today, due this week, mine, my unit's queue, per procedure."""
        return engine().tasks.counts(_inbox_user().actor, engine().tz)


@blp.route("/<id:task_id>")
class Task(MethodView):
    @requires()
    @blp.response(200, TaskDetailSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, task_id: int) -> dict[str, Any]:
        """Công việc: one task, with the decisions its step offers and its e-form."""
        task = readable_task(task_id, caller())
        step = _step_of(task)
        decisions = list(step.decisions) if step is not None and task.kind == "step" else []
        return {
            **task_body(task, engine().clock.now()),
            "decisions": decisions or ["approve"],
            "form": step.form if step is not None else None,
        }


@blp.route("/<id:task_id>/claim")
class Claim(MethodView):
    @requires()
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, task_id: int) -> dict[str, Any]:
        """Nhận xử lý: take an unassigned task of my unit and role."""
        return _done(engine().tasks.claim(task_id, caller().actor))


@blp.route("/<id:task_id>/unclaim")
class Unclaim(MethodView):
    @requires()
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, task_id: int) -> dict[str, Any]:
        """Trả lại hàng chờ: put my task back in the unit's queue (or, as its head, anyone's)."""
        return _done(engine().tasks.unclaim(task_id, caller().actor))


@blp.route("/<id:task_id>/reassign")
class Reassign(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(ReassignSchema)
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], task_id: int) -> dict[str, Any]:
        """Chuyển người xử lý: the assignee or the unit's head gives the task to a colleague."""
        task = engine().tasks.reassign(task_id, caller().actor, args["to_username"], args["reason"])
        return _done(task)


@blp.route("/<id:task_id>/complete")
class Complete(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(CompleteSchema)
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], task_id: int) -> dict[str, Any]:
        """Hoàn thành bước: finish the task with a decision the step offers, and its form.

        `return` and `refuse` need a `reason`; `supplement` needs `missing`.
        When the step has an e-form, `form_data` is checked against it.
        """
        task = engine().tasks.get(task_id)
        form = _checked_form(task, args["form_data"])
        for key in ("reason", "missing"):
            if args.get(key) is not None:
                form[key] = args[key]
        done = engine().tasks.complete(task_id, caller().actor, args["decision"], form)
        return _done(done)


@blp.route("/<id:task_id>/supplement")
class RequestSupplement(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(SupplementSchema)
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], task_id: int) -> dict[str, Any]:
        """Yêu cầu bổ sung (Mẫu 02): the dossier waits for the applicant; the clock pauses."""
        task = engine().tasks.request_supplement(
            task_id, caller().actor, args["missing"], args["reason"]
        )
        return _done(task)


def _done(task: TaskView) -> dict[str, Any]:
    return task_body(task, engine().clock.now())


def _step_of(task: TaskView) -> Any:
    dossier = readable_dossier(task.dossier_code, caller())
    repository = engine().repository
    procedure = repository.definition(repository.by_id(dossier.definition_id)).procedure
    try:
        return procedure.step(task.step_id)
    except KeyError:
        return None  # a wait for the applicant, or the apology letter: not a step


def _checked_form(task: TaskView, data: dict[str, Any]) -> dict[str, Any]:
    step = _step_of(task)
    form = known_forms().get(step.form) if step is not None and step.form else None
    if form is None:
        return dict(data)
    return validate_form_data(form, data, "form_data")
