"""Dossiers (hồ sơ): reception, reading and listing, and what happens later in their life.

Reception accepts ``application/json``, or ``multipart/form-data`` with the
same document as text in the part ``dossier`` and one file per component in
a part named by the component's code (``TK``, ``GCS``…). A complete reception
is a new dossier (201, with its code and appointment date); an incomplete one
is the normal outcome of a desk check and answers 200 with the list of
missing components (the content of Mẫu 02), creating nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, jsonify, request, send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.definitions.model import Procedure
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.dossier_search import DossierFilter
from engine.runtime.errors import NotFound
from engine.runtime.reception import SubmittedComponent

from ..auth import engine
from .access import dossier_scope, readable_dossier
from .bodies import (
    CHANNELS,
    STATUSES,
    DossierPageSchema,
    DossierSchema,
    TaskSchema,
    dossier_body,
    summary_body,
    task_body,
)
from .eforms import application_form, validate_form_data
from .requests import (
    JSON,
    MULTIPART,
    abort,
    caller,
    consumes,
    load,
    request_document,
    requires,
    store_upload,
    uploads,
)
from .schemas import ApiSchema, LocalDateTime, PageArgs, ReasonSchema, one_of, text

PREFIX = "/dossiers"
blp = Blueprint("dossiers", __name__, description="Hồ sơ: tiếp nhận, tra cứu, xử lý")
DOCUMENT_PART = "dossier"
SUPPLEMENT_PART = "supplement"


# --- request schemas ------------------------------------------------------------------------


class ApplicantSchema(ApiSchema):
    name = text(200, required=True, not_blank=True, metadata={"example": "Nguyễn Thị Hồng Nhung"})
    id_number = text(20, allow_none=True, metadata={"example": "079190001234"})
    address = text(500, allow_none=True)
    phone = text(40, allow_none=True)
    email = text(200, allow_none=True)
    organisation = fields.Boolean(load_default=False)


class ComponentInSchema(ApiSchema):
    code = text(40, required=True, not_blank=True, metadata={"example": "TK"})
    copies = fields.Integer(
        allow_none=True, validate=validate.Range(min=1, max=100, error="Từ 1 đến 100 bản.")
    )
    original = fields.Boolean(allow_none=True, metadata={"description": "bản chính"})
    reused_from = text(
        100, allow_none=True, metadata={"description": "code of a digitised paper reused"}
    )


class ReceiveSchema(ApiSchema):
    procedure_code = text(64, required=True, not_blank=True, metadata={"example": "1.001193"})
    applicant = fields.Nested(ApplicantSchema, required=True)
    channel = fields.String(load_default="desk", validate=one_of(CHANNELS))
    components = fields.List(
        fields.Nested(ComponentInSchema),
        load_default=list,
        validate=validate.Length(max=100, error="Nhiều nhất 100 thành phần."),
    )
    data = fields.Dict(
        load_default=dict,
        metadata={"description": "the application e-form (see /procedures/{code}/forms/…)"},
    )
    postal_item = text(
        40,
        allow_none=True,
        metadata={"description": "postal staff receiving by post: the item's number (EB…VN)"},
    )


class RefuseSchema(ReceiveSchema):
    reason = text(2000, required=True, not_blank=True)


class ResumeSchema(ApiSchema):
    supplied = fields.List(text(40), load_default=list, metadata={"description": "codes"})
    note = text(2000, load_default="")


class ReturnResultSchema(ApiSchema):
    method = fields.String(load_default="desk", validate=one_of(["desk", "post", "online"]))
    tracking_number = text(100, allow_none=True)
    address = text(500, allow_none=True, metadata={"description": "by post: where to send it"})
    note = text(2000, load_default="")


class ListArgs(PageArgs):
    status = fields.List(fields.String(validate=one_of(STATUSES)), metadata={"explode": True})
    procedure = text(64)
    received_from = LocalDateTime(metadata={"description": "inclusive, ISO 8601 with offset"})
    received_before = LocalDateTime(metadata={"description": "exclusive"})
    q = text(200, metadata={"description": "dossier code prefix or part of the applicant's name"})


# --- response schemas -----------------------------------------------------------------------


class ReceivedSchema(ApiSchema):
    outcome = fields.String(required=True, metadata={"enum": ["received", "refused"]})
    code = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    status_label = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    due_at = LocalDateTime(allow_none=True, metadata={"description": "ngày hẹn trả kết quả"})
    location = fields.String(required=True)


class MissingSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class IncompleteSchema(ApiSchema):
    outcome = fields.String(required=True, metadata={"enum": ["incomplete"]})
    detail = fields.String(required=True)
    procedure_code = fields.String(required=True)
    missing = fields.List(fields.Nested(MissingSchema), required=True)


class ComponentRecordSchema(ApiSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    copies = fields.Integer(required=True)
    original = fields.Boolean(required=True)
    file_name = fields.String(allow_none=True)
    media_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    reused_from = fields.String(allow_none=True)
    digitized_code = fields.String(
        allow_none=True, metadata={"description": "its code in the applicant's data store"}
    )
    added_at = LocalDateTime(required=True)
    added_by = fields.String(allow_none=True)
    supplement = fields.Boolean(required=True, metadata={"description": "handed in later"})
    download = fields.String(allow_none=True, metadata={"description": "URL of the file"})


RECEIVE_BODY = {
    "required": True,
    "content": {
        JSON: {"schema": ReceiveSchema},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": [DOCUMENT_PART],
                "properties": {
                    DOCUMENT_PART: {"type": "string", "description": "the JSON document, as text"}
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "one file per component, in a part named by its code",
                },
            }
        },
    },
}


# --- reception ------------------------------------------------------------------------------


@blp.route("")
class Dossiers(MethodView):
    @requires()
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, DossierPageSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Danh sách hồ sơ: filters, newest first, keyset pages (``next_cursor``).

        Auditors see every dossier; officers those of their agency and those
        their unit works on. The search (`q`) ignores case, diacritics and
        how the letters were typed (combining or precomposed).
        """
        where = DossierFilter(
            statuses=tuple(args.get("status") or ()),
            procedure_code=args.get("procedure"),
            received_from=args.get("received_from"),
            received_before=args.get("received_before"),
            query=args.get("q"),
            scope=dossier_scope(caller()),
        )
        page = engine().runtime.search(where, args.get("cursor"), args["limit"])
        return {"items": [summary_body(i) for i in page.items], "next_cursor": page.next_cursor}

    @requires()
    @consumes(JSON, MULTIPART)
    @blp.doc(requestBody=RECEIVE_BODY)
    @blp.response(201, ReceivedSchema, description="Đã tiếp nhận: the dossier and its appointment")
    @blp.alt_response(
        200, schema=IncompleteSchema, success=True, description="Hồ sơ chưa đủ (Mẫu 02)"
    )
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Tiếp nhận hồ sơ: receive a dossier, or learn what is missing.

        201: the dossier's code and appointment date (Mẫu 01). 200: the
        reception is incomplete; `missing` lists the components to supply
        (Mẫu 02) and nothing is created. E-form `data` is checked against the
        procedure's application form when given.
        """
        reception = _reception(ReceiveSchema())
        outcome = engine().runtime.receive(
            reception["procedure_code"],
            reception["applicant"],
            caller().actor,
            channel=reception["channel"],
            components=reception["components"],
            data=reception["data"],
            postal_item=reception.get("postal_item"),
        )
        if outcome.dossier_code is None:
            missing = [{"code": c.code, "name": c.name} for c in outcome.missing]
            incomplete = {
                "outcome": "incomplete",
                "detail": "Hồ sơ chưa đủ thành phần; yêu cầu bổ sung các thành phần sau.",
                "procedure_code": reception["procedure_code"],
                "missing": missing,
            }
            return jsonify(IncompleteSchema().dump(incomplete))  # 200: not the main schema
        return _created(outcome.dossier_code, "received")


@blp.route("/refusals")
class Refusals(MethodView):
    @requires()
    @consumes(JSON, MULTIPART)
    @blp.doc(requestBody={**RECEIVE_BODY, "content": {JSON: {"schema": RefuseSchema}}})
    @blp.response(201, ReceivedSchema, description="Từ chối tiếp nhận, recorded (Mẫu 03)")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Từ chối tiếp nhận: record a refusal at reception with its reason (Mẫu 03)."""
        reception = _reception(RefuseSchema())
        code = engine().runtime.refuse_at_reception(
            reception["procedure_code"],
            reception["applicant"],
            caller().actor,
            reception["reason"],
            channel=reception["channel"],
            components=reception["components"],
            data=reception["data"],
        )
        return _created(code, "refused")


def _reception(schema: ApiSchema) -> dict[str, Any]:
    """The checked reception document, its uploads stored and joined to their components."""
    document = load(schema, request_document(DOCUMENT_PART))
    procedure = _procedure(document["procedure_code"])
    document["data"] = _form_data(procedure, document["data"])
    components = _components_in(procedure, document["components"])
    files = uploads(skip=[DOCUMENT_PART])
    unknown = [part for part, _ in files if part not in {c.code for c in procedure.components}]
    if unknown:
        abort(422, errors={p: ["Thủ tục không có thành phần này."] for p in unknown})
    _attach(components, files)
    applicant = document["applicant"]
    document["applicant"] = Applicant(**applicant)
    document["channel"] = Channel(document["channel"])
    document["components"] = list(components.values())
    return document


def _procedure(code: str) -> Procedure:
    repository = engine().repository
    return repository.definition(repository.latest(code)).procedure


def _form_data(procedure: Procedure, data: dict[str, Any]) -> dict[str, Any]:
    if not data:
        return {}
    found = application_form(procedure)
    if found is None:
        abort(422, errors={"data": ["Thủ tục này không có biểu mẫu điện tử."]})
    _component, form = found
    return validate_form_data(form, data, "data")


def _components_in(
    procedure: Procedure, given: list[dict[str, Any]]
) -> dict[str, SubmittedComponent]:
    known = {c.code for c in procedure.components}
    errors: dict[str, list[str]] = {}
    components: dict[str, SubmittedComponent] = {}
    for index, item in enumerate(given):
        if item["code"] not in known:
            errors[f"components.{index}.code"] = ["Thủ tục không có thành phần này."]
        elif item["code"] in components:
            errors[f"components.{index}.code"] = ["Thành phần này đã có trong danh sách."]
        components[item["code"]] = SubmittedComponent(**item)
    if errors:
        abort(422, errors=errors)
    return components


def _attach(components: dict[str, SubmittedComponent], files: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for part, _upload in files:
        if part in seen:
            abort(422, errors={part: ["Mỗi thành phần chỉ gửi một tệp."]})
        seen.add(part)
    for part, upload in files:
        stored = store_upload(part, upload)
        paper = components.get(part) or SubmittedComponent(part)
        components[part] = replace(
            paper,
            file_key=stored.key,
            file_name=stored.name,
            media_type=stored.media_type,
            size=stored.size,
            sha256=stored.sha256,
        )


def _created(code: str, outcome: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    dossier = engine().runtime.get(code)
    location = url_for("dossiers.Dossier", code=code)
    body = {
        "outcome": outcome,
        "code": code,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "location": location,
    }
    return body, 201, {"Location": location}


# --- one dossier ----------------------------------------------------------------------------


@blp.route("/<code>")
class Dossier(MethodView):
    @requires()
    @blp.response(200, DossierSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> dict[str, Any]:
        """Hồ sơ: status, dates, applicant, e-form data and open tasks."""
        readable_dossier(code, caller())
        return _dossier(code)


def _dossier(code: str) -> dict[str, Any]:
    view = engine().runtime.get(code)
    version = engine().repository.by_id(view.definition_id).version
    return dossier_body(view, version, engine().clock.now())


@blp.route("/<code>/withdraw")
class Withdraw(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(ReasonSchema)
    @blp.response(200, DossierSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Rút hồ sơ: the applicant withdraws the dossier (staff of the agency)."""
        engine().runtime.withdraw(code, caller().actor, args["reason"])
        return _dossier(code)


@blp.route("/<code>/stop")
class Stop(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(ReasonSchema)
    @blp.response(200, DossierSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Dừng giải quyết at the applicant's request (stop notice, Mẫu 05)."""
        engine().runtime.stop(code, caller().actor, args["reason"])
        return _dossier(code)


RESUME_BODY = {
    "required": True,
    "content": {
        JSON: {"schema": ResumeSchema},
        MULTIPART: {
            "schema": {
                "type": "object",
                "properties": {
                    SUPPLEMENT_PART: {"type": "string", "description": "the JSON document, as text"}
                },
                "additionalProperties": {"type": "string", "format": "binary"},
            }
        },
    },
}


@blp.route("/<code>/resume")
class Resume(MethodView):
    @requires()
    @consumes(JSON, MULTIPART)
    @blp.doc(requestBody=RESUME_BODY)
    @blp.response(200, DossierSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, code: str) -> dict[str, Any]:
        """Tiếp nhận bổ sung: the applicant supplied what was missing; processing resumes.

        JSON, or multipart with the document in the part `supplement` (optional)
        and one file per component handed in, in a part named by its code.
        """
        readable_dossier(code, caller())
        document = load(ResumeSchema(), _supplement_document())
        procedure = (
            engine()
            .repository.definition(
                engine().repository.by_id(engine().runtime.get(code).definition_id)
            )
            .procedure
        )
        papers: dict[str, SubmittedComponent] = {}
        files = uploads(skip=[SUPPLEMENT_PART])
        unknown = [part for part, _ in files if part not in {c.code for c in procedure.components}]
        if unknown:
            abort(422, errors={p: ["Thủ tục không có thành phần này."] for p in unknown})
        _attach(papers, files)
        engine().runtime.resume(
            code,
            caller().actor,
            document["supplied"],
            document["note"],
            papers=list(papers.values()),
        )
        return _dossier(code)


def _supplement_document() -> Any:
    if request.mimetype == MULTIPART and SUPPLEMENT_PART not in request.form:
        return {}
    return request_document(SUPPLEMENT_PART)


@blp.route("/<code>/return-result")
class ReturnResult(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(ReturnResultSchema)
    @blp.response(200, DossierSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Trả kết quả: the result goes to the applicant at the desk, by post or online."""
        engine().runtime.return_result(
            code,
            caller().actor,
            args["method"],
            args.get("tracking_number"),
            args["note"],
            args.get("address"),
        )
        return _dossier(code)


# --- components, files, tasks ---------------------------------------------------------------


_COMPONENT_COLUMNS = [name for name in ComponentRecordSchema().fields if name != "download"]


@blp.route("/<code>/components")
class Components(MethodView):
    @requires()
    @blp.response(200, ComponentRecordSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> list[dict[str, Any]]:
        """Thành phần hồ sơ: the papers received, with their files (later supplements too)."""
        readable_dossier(code, caller())
        return [
            {
                **{name: getattr(row, name) for name in _COMPONENT_COLUMNS},
                "download": url_for("dossiers.ComponentFile", code=code, component_id=row.id)
                if row.file_key
                else None,
            }
            for row in engine().runtime.components(code)
        ]


@blp.route("/<code>/components/<id:component_id>/file")
class ComponentFile(MethodView):
    @requires()
    @blp.alt_response(
        200,
        schema={"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="the file as received; its real type in Content-Type",
        success=True,
    )
    @blp.alt_response("default", response="DEFAULT_ERROR")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str, component_id: int) -> Response:
        """Tệp đính kèm: download a component's file (readers of the dossier only)."""
        readable_dossier(code, caller())
        row = next((c for c in engine().runtime.components(code) if c.id == component_id), None)
        if row is None or not row.file_key or not engine().files.exists(row.file_key):
            raise NotFound(f"Hồ sơ {code} không có tệp cho thành phần số {component_id}.")
        engine().digitisation.log_download(code, component_id, caller().actor)
        response = send_file(
            engine().files.open(row.file_key),
            mimetype=row.media_type or "application/octet-stream",
            as_attachment=True,
            download_name=row.file_name or f"{row.code}.bin",
            etag=row.sha256 or False,
        )
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response


@blp.route("/<code>/tasks")
class DossierTasks(MethodView):
    @requires()
    @blp.response(200, TaskSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> list[dict[str, Any]]:
        """Công việc của hồ sơ: every task, open and closed, in the order they were opened."""
        readable_dossier(code, caller())
        now = engine().clock.now()
        return [task_body(task, now) for task in engine().tasks.of_dossier(code)]
