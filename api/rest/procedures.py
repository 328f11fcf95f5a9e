"""Procedures (thủ tục): deployed definitions, their steps and versions, BPMN, e-form schemas."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from engine.definitions.loading import BPMN_SUFFIXES, YAML_SUFFIXES
from engine.definitions.model import Duration, InterAgency, Node, ParallelBlock, Procedure, Step
from engine.definitions.problems import DefinitionError
from engine.definitions.yaml_source import MAX_FILE_BYTES
from engine.files import safe_file_name
from engine.runtime.errors import NotFound
from engine.runtime.repository import DeployedDefinition
from forms.eform import to_json_schema

from ..auth import engine
from .access import DEPLOYERS
from .eforms import form_of, known_forms
from .requests import MULTIPART, abort, caller, consumes, requires
from .schemas import ApiSchema, LocalDateTime

PREFIX = "/procedures"
DEFAULT_ERROR = "DEFAULT_ERROR"
blp = Blueprint("procedures", __name__, description="Thủ tục hành chính và quy trình nội bộ")


class DurationSchema(ApiSchema):
    amount = fields.Float(required=True)
    unit = fields.String(required=True, metadata={"enum": ["working_days", "working_hours"]})
    text = fields.String(required=True, metadata={"example": "1 ngày làm việc"})


class VersionSchema(ApiSchema):
    version = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    source_format = fields.String(required=True, metadata={"enum": ["yaml", "bpmn"]})
    source_name = fields.String(required=True)
    deployed_at = LocalDateTime(required=True)
    deployed_by = fields.String(allow_none=True)


class ProcedureSummarySchema(VersionSchema):
    code = fields.String(required=True, metadata={"example": "1.001193"})
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"enum": ["tinh", "huyen", "xa"]})


class DeployedSchema(ProcedureSummarySchema):
    created = fields.Boolean(
        required=True, metadata={"description": "False when this content was already deployed"}
    )


class ComponentSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    required = fields.Boolean(required=True)
    copies = fields.Integer(required=True)
    original = fields.Boolean(required=True)
    digitize = fields.Boolean(required=True)
    reusable = fields.Boolean(required=True)
    form = fields.String(allow_none=True, metadata={"description": "e-form name, if any"})


class StepSchema(ApiSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["step", "parallel", "inter_agency"]})
    unit = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    duration = fields.Nested(DurationSchema, allow_none=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.String())
    wait = fields.Boolean()
    form = fields.String(allow_none=True)
    steps = fields.List(
        fields.Nested(lambda: StepSchema()),
        metadata={"description": "branches of a parallel block, steps of an inter-agency group"},
    )


class ResultSchema(ApiSchema):
    name = fields.String(required=True)
    electronic = fields.Boolean(required=True)


class ProcedureSchema(ProcedureSummarySchema):
    field = fields.String(required=True)
    agency = fields.String(required=True)
    agency_name = fields.String(required=True)
    time_limit = fields.Nested(DurationSchema, required=True)
    fee = fields.Integer(required=True)
    on_supplement = fields.String(required=True, metadata={"enum": ["pause", "restart"]})
    cutoff = fields.String(allow_none=True, metadata={"example": "15:00"})
    legal_basis = fields.List(fields.String(), required=True)
    components = fields.List(fields.Nested(ComponentSchema), required=True)
    result = fields.Nested(ResultSchema, allow_none=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)


class VersionArgs(ApiSchema):
    version = fields.Integer(
        validate=validate.Range(min=1, max=1_000_000, error="Phiên bản từ 1 đến 1.000.000."),
        metadata={"description": "a deployed version; default the latest"},
    )


class DeployArgs(ApiSchema):
    file = Upload(required=True, metadata={"description": "a .yaml/.yml or .bpmn definition"})


@blp.route("")
class Procedures(MethodView):
    @requires()
    @blp.response(200, ProcedureSummarySchema(many=True))
    def get(self) -> list[DeployedDefinition]:
        """Danh sách thủ tục: the latest deployed version of each procedure."""
        return engine().repository.list_latest()

    @requires(*DEPLOYERS)
    @consumes(MULTIPART)
    @blp.arguments(DeployArgs, location="files")
    @blp.response(201, DeployedSchema)
    @blp.alt_response(200, schema=DeployedSchema, description="Đã có nội dung này", success=True)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def post(self, args: dict[str, Any]) -> tuple[DeployedDefinition, int]:
        """Triển khai: deploy a YAML or BPMN definition (designers and administrators).

        The same content again changes nothing (200); a changed definition
        becomes a new version (201); running dossiers stay on their version.
        A definition with problems is a 422 whose `errors` list each problem
        with its `line`, `column` and `message`.
        """
        upload: FileStorage = args["file"]
        name = safe_file_name(upload.filename or "definition.yaml")
        if not name.lower().endswith(YAML_SUFFIXES + BPMN_SUFFIXES):
            abort(415, message="Tệp định nghĩa phải là .yaml, .yml hoặc .bpmn.")
        raw = upload.stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            abort(413, message=f"Tệp định nghĩa không được lớn hơn {MAX_FILE_BYTES:,} byte.")
        try:
            definition = engine().repository.load_source(raw, name, set(known_forms()))
        except DefinitionError as error:
            abort(
                422,
                message=f"Định nghĩa “{name}” có {len(error.problems)} lỗi; chưa triển khai.",
                errors=[
                    {"line": p.line, "column": p.column, "message": p.message}
                    for p in error.problems
                ],
            )
        deployed = engine().repository.deploy(definition, name, caller().username)
        return deployed, 201 if deployed.created else 200


@blp.route("/<code>")
class ProcedureDetail(MethodView):
    @requires()
    @blp.arguments(VersionArgs, location="query")
    @blp.response(200, ProcedureSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Chi tiết thủ tục: steps, components, time limit and every deployed version."""
        deployed = _deployed(code, args.get("version"))
        procedure = engine().repository.definition(deployed).procedure
        return _procedure(deployed, procedure)


@blp.route("/<code>/bpmn")
class ProcedureBpmn(MethodView):
    @requires()
    @blp.arguments(VersionArgs, location="query")
    @blp.alt_response(
        200,
        schema={"type": "string"},
        content_type="application/xml",
        description="BPMN 2.0 with diagram",
        success=True,
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response("default", response=DEFAULT_ERROR)
    def get(self, args: dict[str, Any], code: str) -> Response:
        """BPMN: the executable process with its diagram, for Camunda Modeler or bpmn.io."""
        deployed = _deployed(code, args.get("version"))
        xml = engine().repository.export_bpmn(deployed.code, deployed.version)
        response = Response(xml, mimetype="application/xml")
        filename = f"{deployed.code}-v{deployed.version}.bpmn"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@blp.route("/<code>/forms/<component>")
class ComponentForm(MethodView):
    @requires()
    @blp.arguments(VersionArgs, location="query")
    @blp.alt_response(
        200, schema={"type": "object"}, description="JSON Schema (draft 2020-12)", success=True
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response("default", response=DEFAULT_ERROR)
    def get(self, args: dict[str, Any], code: str, component: str) -> Response:
        """Biểu mẫu điện tử: the JSON Schema of a component's e-form."""
        deployed = _deployed(code, args.get("version"))
        procedure = engine().repository.definition(deployed).procedure
        found = next((c for c in procedure.components if c.code == component), None)
        form = form_of(found) if found is not None else None
        if found is None or form is None:
            raise NotFound(
                f"Thủ tục {code} không có biểu mẫu điện tử cho thành phần “{component}”.",
                component=component,
            )
        return jsonify(to_json_schema(form))


def _deployed(code: str, version: int | None) -> DeployedDefinition:
    repository = engine().repository
    return repository.latest(code) if version is None else repository.get(code, version)


def _procedure(deployed: DeployedDefinition, procedure: Procedure) -> dict[str, Any]:
    agency = engine().organisation.units.get(procedure.agency)
    return {
        **_version(deployed),
        "code": deployed.code,
        "name": procedure.name,
        "level": procedure.level.value,
        "field": procedure.field,
        "agency": procedure.agency,
        "agency_name": agency.name if agency else procedure.agency,
        "time_limit": _duration(procedure.time_limit),
        "fee": procedure.fee,
        "on_supplement": procedure.clock.on_supplement.value,
        "cutoff": procedure.clock.cutoff,
        "legal_basis": list(procedure.legal_basis),
        "components": [vars(c) for c in procedure.components],
        "result": vars(procedure.result) if procedure.result else None,
        "steps": [_node(node) for node in procedure.steps],
        "versions": [_version(v) for v in engine().repository.versions(deployed.code)],
    }


def _version(deployed: DeployedDefinition) -> dict[str, Any]:
    return {
        "version": deployed.version,
        "content_hash": deployed.content_hash,
        "source_format": deployed.source_format,
        "source_name": deployed.source_name,
        "deployed_at": deployed.deployed_at,
        "deployed_by": deployed.deployed_by,
    }


def _duration(duration: Duration) -> dict[str, Any]:
    return {"amount": float(duration.amount), "unit": duration.unit.value, "text": str(duration)}


def _node(node: Node) -> dict[str, Any]:
    if isinstance(node, ParallelBlock):
        steps = [_node(branch) for branch in node.branches]
        return {"id": node.id, "name": node.name, "kind": "parallel", "steps": steps}
    if isinstance(node, InterAgency):
        return {
            "id": node.id,
            "name": node.name,
            "kind": "inter_agency",
            "agency": node.agency,
            "duration": _duration(node.time_share),
            "steps": [_node(step) for step in node.steps],
        }
    return _step(node)


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "name": step.name,
        "kind": "step",
        "unit": step.unit,
        "role": step.role,
        "duration": None if step.wait else _duration(step.duration),
        "outcomes": dict(step.outcomes),
        "wait": step.wait,
        "form": step.form,
    }
