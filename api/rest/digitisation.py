"""Số hóa và tái sử dụng: the applicants' data store, scans, results, payments, portal sync.

Stored papers are personal data: every read names its grounds, ``dossier``
(the code of a dossier of this applicant the caller is handling) or
``reason`` (an inspection, for auditors); the engine checks them and writes
the access log. The payment gateway's callback is the one route without a
caller: its HMAC signature, checked by the engine, is its credential.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Response, jsonify, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.digitisation.access import Grounds
from engine.digitisation.payments import Checkout, FeeView
from engine.digitisation.service import ResultFile
from engine.digitisation.views import ComponentOffer, OpenedPaper, PaperView

from ..auth import engine
from .access import ADMINS, readable_dossier
from .requests import JSON, MULTIPART, abort, caller, consumes, requires, store_upload
from .schemas import ApiSchema, LocalDateTime, one_of, text

PREFIX = ""
blp = Blueprint("digitisation", __name__, description="Số hóa, kho dữ liệu, thanh toán, đồng bộ")
FILE_PART = "file"
DESK_METHODS = ("cash", "transfer")

# --- schemas --------------------------------------------------------------------------------


class GroundsArgs(ApiSchema):
    dossier = text(64, metadata={"description": "a dossier of this applicant you are handling"})
    reason = text(2000, metadata={"description": "auditors: the reason of the inspection"})


class PapersArgs(GroundsArgs):
    all = fields.Boolean(load_default=False, metadata={"description": "also invalid papers"})


class ReasonArgs(ApiSchema):
    reason = text(2000, required=True, not_blank=True)


class OffersArgs(ApiSchema):
    procedure = text(64, required=True, not_blank=True, metadata={"example": "1.001193"})


class PaperSchema(ApiSchema):
    public_id = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "mã giấy tờ số hóa"})
    applicant = fields.String(required=True)
    paper_type = fields.String(required=True)
    name = fields.String(required=True)
    summary = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    issuer = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    file_name = fields.String(required=True)
    media_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    source = fields.String(required=True)
    source_label = fields.String(required=True)
    source_dossier = fields.String(allow_none=True)
    digitised_by = fields.String(required=True)
    digitised_at = LocalDateTime(required=True)
    certified_by = fields.String(allow_none=True)
    certified_at = LocalDateTime(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["valid", "revoked"]})
    file = fields.String(required=True, metadata={"description": "URL of the file"})


class OfferSchema(ApiSchema):
    component = fields.String(required=True)
    name = fields.String(required=True)
    paper_type = fields.String(required=True)
    required = fields.Boolean(required=True)
    papers = fields.List(fields.Nested(PaperSchema), required=True)


class AccessSchema(ApiSchema):
    seq = fields.Integer(required=True)
    at = LocalDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    paper_code = fields.String(allow_none=True)
    grounds = fields.String(required=True)
    dossier_code = fields.String(allow_none=True)
    procedure_code = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    hash = fields.String(required=True)


class ToScanSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    paper_type = fields.String(allow_none=True)
    required = fields.Boolean(required=True)


class ScannedSchema(ApiSchema):
    component = fields.String(required=True)
    digitized_code = fields.String(allow_none=True)
    to_scan = fields.List(fields.Nested(ToScanSchema), required=True)


class ResultStoredSchema(ApiSchema):
    dossier_code = fields.String(required=True)
    paper_code = fields.String(allow_none=True, metadata={"description": "in the data store"})


class FeeSchema(ApiSchema):
    dossier_code = fields.String(required=True)
    fee_due = fields.Integer(required=True, metadata={"description": "VND"})
    paid = fields.Boolean(required=True)
    method = fields.String(allow_none=True)
    method_label = fields.String(allow_none=True)
    paid_at = LocalDateTime(allow_none=True)
    reference = fields.String(allow_none=True)


class DeskPaymentSchema(ApiSchema):
    method = fields.String(required=True, validate=one_of(DESK_METHODS))
    amount = fields.Integer(
        allow_none=True, validate=validate.Range(min=0, max=10**12, error="Số tiền không hợp lệ.")
    )
    reference = text(100, allow_none=True, metadata={"description": "số biên lai, mã giao dịch"})


class NoticeRequestSchema(ApiSchema):
    dossier_code = text(64, required=True, not_blank=True)


class CheckoutSchema(ApiSchema):
    order_ref = fields.String(required=True)
    amount = fields.Integer(required=True)
    payment_id = fields.String(required=True)
    checkout_url = fields.String(required=True)


class NoticeResultSchema(ApiSchema):
    outcome = fields.String(required=True, metadata={"enum": ["paid", "failed", "duplicate"]})
    order_ref = fields.String(required=True)
    dossier_code = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)


class SyncRowSchema(ApiSchema):
    id = fields.Integer(required=True)
    dossier_code = fields.String(required=True)
    seq = fields.Integer(required=True)
    key = fields.String(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    created_at = LocalDateTime(required=True)
    next_attempt_at = LocalDateTime(required=True)
    sent_at = LocalDateTime(allow_none=True)
    response_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)


class SyncStateSchema(ApiSchema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    dead = fields.List(fields.Nested(SyncRowSchema), required=True)


class RetrySchema(ApiSchema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=10**18)),
        allow_none=True,
        validate=validate.Length(max=1000, error="Nhiều nhất 1000 mục."),
        metadata={"description": "the dead letters to retry; all of them when omitted"},
    )


class RetriedSchema(ApiSchema):
    requeued = fields.Integer(required=True)


def _file_body(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": [FILE_PART],
                    "properties": {FILE_PART: {"type": "string", "format": "binary"}, **extra},
                }
            }
        },
    }


SCAN_BODY = _file_body({})
RESULT_BODY = _file_body(
    {
        "number": {"type": "string", "maxLength": 100, "description": "số, ký hiệu"},
        "summary": {"type": "string", "maxLength": 2000},
        "valid_until": {"type": "string", "format": "date"},
    }
)


# --- bodies ---------------------------------------------------------------------------------


def paper_body(paper: PaperView) -> dict[str, Any]:
    return {
        **asdict(paper),
        "source_label": paper.source_label,
        "file": f"/api/v1/papers/{paper.public_id}/file",
    }


def offer_body(offer: ComponentOffer) -> dict[str, Any]:
    return {
        "component": offer.component,
        "name": offer.name,
        "paper_type": offer.paper_type,
        "required": offer.required,
        "papers": [paper_body(p) for p in offer.papers],
    }


def fee_body(fee: FeeView) -> dict[str, Any]:
    return {**asdict(fee), "method_label": fee.method_label}


def grounds_of(args: dict[str, Any]) -> Grounds:
    """The grounds the caller gives: a dossier being handled, else an audit with its reason."""
    if args.get("dossier"):
        return Grounds.dossier(args["dossier"])
    return Grounds.audit(args.get("reason") or "")


def serve_paper(opened: OpenedPaper) -> Response:
    response = send_file(opened.stream, mimetype=opened.paper.media_type, etag=False)
    response.headers.update(opened.headers())
    return response


# --- the data store -------------------------------------------------------------------------


@blp.route("/applicants/<identifier>/papers")
class Papers(MethodView):
    @requires()
    @blp.arguments(PapersArgs, location="query")
    @blp.response(200, PaperSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], identifier: str) -> list[dict[str, Any]]:
        """Kho dữ liệu: the applicant's stored papers (valid ones unless `all`).

        Give `dossier` (a dossier of this applicant you are handling) or, as an
        auditor, `reason`; the access is written to the applicant's log.
        """
        papers = engine().datastore.papers(
            identifier, caller().actor, grounds_of(args), include_invalid=args["all"]
        )
        return [paper_body(p) for p in papers]


@blp.route("/papers/<public_id>/file")
class PaperFile(MethodView):
    @requires()
    @blp.arguments(GroundsArgs, location="query")
    @blp.alt_response(
        200,
        schema={"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="the stored file, as a download; its real type in Content-Type",
        success=True,
    )
    @blp.alt_response("default", response="DEFAULT_ERROR")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], public_id: str) -> Response:
        """Mở giấy tờ: a stored paper's file, for an officer handling a dossier of its
        owner or an auditor; recorded in the owner's access log."""
        opened = engine().datastore.open_paper(public_id, caller().actor, grounds_of(args))
        return serve_paper(opened)


@blp.route("/applicants/<identifier>/access-log")
class AccessLog(MethodView):
    @requires()
    @blp.arguments(ReasonArgs, location="query")
    @blp.response(200, AccessSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], identifier: str) -> list[dict[str, Any]]:
        """Nhật ký truy cập: who saw the applicant's papers (auditors; reading it is logged)."""
        entries = engine().datastore.access_log(identifier, caller().actor, args["reason"])
        return [asdict(e) for e in entries]


@blp.route("/applicants/<identifier>/offers")
class Offers(MethodView):
    @requires()
    @blp.arguments(OffersArgs, location="query")
    @blp.response(200, OfferSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], identifier: str) -> list[dict[str, Any]]:
        """Giấy tờ có thể tái sử dụng: at reception of `procedure`, for each reusable
        component, the applicant's valid stored papers (send the chosen code as the
        component's `reused_from` when receiving)."""
        offers = engine().datastore.offers(args["procedure"], identifier, caller().actor)
        return [offer_body(o) for o in offers]


# --- scans and results ----------------------------------------------------------------------


@blp.route("/dossiers/<code>/to-scan")
class ToScan(MethodView):
    @requires()
    @blp.response(200, ToScanSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> list[dict[str, Any]]:
        """Còn phải số hóa: components handed in that must be scanned and have no file."""
        readable_dossier(code, caller())
        return [asdict(c) for c in engine().digitisation.still_to_scan(code)]


@blp.route("/dossiers/<code>/components/<component>/scan")
class Scan(MethodView):
    @requires()
    @consumes(MULTIPART)
    @blp.doc(requestBody=SCAN_BODY)
    @blp.response(200, ScannedSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, code: str, component: str) -> dict[str, Any]:
        """Đính kèm bản quét: the scan of a component (multipart, part `file`); a paper
        with a type goes into the applicant's data store with its own code."""
        readable_dossier(code, caller())
        stored = store_upload(FILE_PART, _required_file())
        digitized = engine().digitisation.attach_scan(code, component, stored, caller().actor)
        to_scan = [asdict(c) for c in engine().digitisation.still_to_scan(code)]
        return {"component": component, "digitized_code": digitized, "to_scan": to_scan}


@blp.route("/dossiers/<code>/result")
class Result(MethodView):
    @requires()
    @consumes(MULTIPART)
    @blp.doc(requestBody=RESULT_BODY)
    @blp.response(200, ResultStoredSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, code: str) -> dict[str, Any]:
        """Kết quả điện tử: attach the signed result file (part `file`); it is stored in
        the applicant's data store. Return it afterwards with `return-result`."""
        readable_dossier(code, caller())
        stored = store_upload(FILE_PART, _required_file())
        result = ResultFile(
            stored,
            number=_form_text("number", 100),
            summary=_form_text("summary", 2000),
            valid_until=_form_date("valid_until"),
        )
        paper = engine().digitisation.attach_result(code, caller().actor, result)
        return {"dossier_code": code, "paper_code": paper}


def _required_file() -> Any:
    upload = request.files.get(FILE_PART)
    if upload is None or not upload.filename:
        abort(422, errors={FILE_PART: ["Chọn tệp bản quét (PDF, JPG, PNG, TIFF)."]})
    return upload


def _form_text(name: str, limit: int) -> str | None:
    value = (request.form.get(name) or "").strip()
    if len(value) > limit or "\x00" in value:
        abort(422, errors={name: [f"Không được dài quá {limit} ký tự."]})
    return value or None


def _form_date(name: str) -> date | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(422, errors={name: ["Phải là ngày dạng 2026-12-31."]})


# --- payments -------------------------------------------------------------------------------


@blp.route("/dossiers/<code>/fee")
class Fee(MethodView):
    @requires()
    @blp.response(200, FeeSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> dict[str, Any]:
        """Phí, lệ phí: what the dossier owes and how it was paid."""
        readable_dossier(code, caller())
        return fee_body(engine().payments.fee(code))


@blp.route("/dossiers/<code>/payments")
class DeskPayment(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(DeskPaymentSchema)
    @blp.response(200, FeeSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Thu phí tại Bộ phận Một cửa: cash, or a transfer seen on the agency's account."""
        readable_dossier(code, caller())
        fee = engine().payments.record(
            code, caller().actor, args["method"], args.get("amount"), args.get("reference")
        )
        return fee_body(fee)


@blp.route("/payments/notices")
class PaymentNotices(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(NoticeRequestSchema)
    @blp.response(201, CheckoutSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Thông báo nộp phí: an order with the payment gateway for the dossier's fee; the
        citizen pays at `checkout_url` (a pending order is given again, not duplicated)."""
        code = args["dossier_code"]
        readable_dossier(code, caller())
        checkout: Checkout = engine().payments.start_online(code, caller().actor)
        return asdict(checkout)


@blp.route("/payments/callback")
class PaymentCallback(MethodView):
    @blp.doc(
        security=[],
        requestBody={
            "required": True,
            "content": {JSON: {"schema": {"type": "object"}}},
            "description": "the gateway's notice, signed in the X-Gateway-Signature header",
        },
    )
    @blp.response(200, NoticeResultSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(422, schema=NoticeResultSchema, description="verified but refused")
    def post(self) -> Response:
        """Cổng thanh toán báo kết quả: verified by its HMAC signature; the same notice
        delivered twice changes nothing (`duplicate`)."""
        result = engine().payments.handle_notice(request.get_data(), dict(request.headers.items()))
        response = jsonify(NoticeResultSchema().dump(result))
        response.status_code = result.http_status
        return response


# --- the national portal's sync -------------------------------------------------------------


@blp.route("/admin/sync")
class SyncState(MethodView):
    @requires(*ADMINS)
    @blp.response(200, SyncStateSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self) -> dict[str, Any]:
        """Đồng bộ Cổng DVC quốc gia: documents by status and the dead letters."""
        portal = engine().portal
        return {"counts": portal.counts(), "dead": [asdict(v) for v in portal.dead()]}


@blp.route("/admin/sync/retry")
class SyncRetry(MethodView):
    @requires(*ADMINS)
    @consumes(JSON)
    @blp.arguments(RetrySchema)
    @blp.response(200, RetriedSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Gửi lại: put dead letters (the given ids, or all) back in the queue."""
        return {"requeued": engine().portal.requeue(args.get("ids"))}
