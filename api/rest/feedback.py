"""Đánh giá và phản ánh, kiến nghị (PAKN) through the API.

Public (no credentials): a citizen rates a finished dossier once, proving it
is theirs with the last digits (at least 4) of the phone or ID number given at
reception; anyone sends feedback; anyone reads the published answers. These
calls are limited per address.

Officers: list their agency's feedback (auditors and administrators every
agency's), answer it (officers of the receiving agency) and publish the answer.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from engine.reports.feedback import FeedbackKind, FeedbackView, RatingValue

from ..citizen import LIMITS, allowed, check_length, published, rate_as_applicant, submit_feedback
from ..reporting import EVERYTHING_ROLES, feedback_service, own_agency
from .requests import JSON, abort, caller, consumes, requires
from .schemas import ApiSchema, LocalDateTime, one_of, text

PREFIX = ""
blp = Blueprint("feedback", __name__, description="Đánh giá, phản ánh, kiến nghị")
RATINGS = tuple(r.value for r in RatingValue)
KINDS = tuple(k.value for k in FeedbackKind)


class RateBody(ApiSchema):
    dossier_code = text(64, required=True, not_blank=True)
    check = text(
        12,
        required=True,
        metadata={"description": "last 4-12 digits of the applicant's phone or ID number"},
    )
    value = fields.String(required=True, validate=one_of(RATINGS))
    comment = text(LIMITS["comment"], allow_none=True)


class RatingSchema(ApiSchema):
    dossier_code = fields.String(required=True)
    value = fields.String(required=True, metadata={"enum": list(RATINGS)})
    label = fields.String(required=True, metadata={"example": "Hài lòng"})
    comment = fields.String(allow_none=True)
    rated_at = LocalDateTime(required=True)


class FeedbackBody(ApiSchema):
    kind = fields.String(required=True, validate=one_of(KINDS))
    subject = text(LIMITS["subject"], required=True, not_blank=True)
    content = text(LIMITS["content"], required=True, not_blank=True)
    sender_name = text(LIMITS["sender_name"], required=True, not_blank=True)
    sender_contact = text(LIMITS["sender_contact"], allow_none=True)
    dossier_code = text(64, allow_none=True)
    agency_id = text(64, allow_none=True, metadata={"description": "without dossier_code"})


class FeedbackReceivedSchema(ApiSchema):
    code = fields.String(required=True, metadata={"example": "PAKN-261207-0001"})
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    agency_id = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    due_at = LocalDateTime(required=True, metadata={"description": "10 working days later"})


class PublishedSchema(ApiSchema):
    code = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    agency_id = fields.String(required=True)
    subject = fields.String(required=True)
    content = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    answer = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    answered_on_time = fields.Boolean(allow_none=True)


class FeedbackSchema(PublishedSchema):
    dossier_code = fields.String(allow_none=True)
    sender_name = fields.String(required=True)
    sender_contact = fields.String(allow_none=True)
    due_at = LocalDateTime(required=True)
    answered = fields.Boolean(required=True)
    overdue = fields.Boolean(required=True)
    published_at = LocalDateTime(allow_none=True)
    sender_verdict = fields.String(allow_none=True)


class FeedbackArgs(ApiSchema):
    agency_id = text(64, metadata={"description": "auditors and administrators only"})
    open_only = fields.Boolean(load_default=False)
    overdue_only = fields.Boolean(load_default=False)


class AnswerBody(ApiSchema):
    answer = text(LIMITS["answer"], required=True, not_blank=True)
    publish = fields.Boolean(load_default=False)


def _limited() -> None:
    if not allowed():
        abort(429, headers={"Retry-After": "60"})


def _feedback(view: FeedbackView) -> dict[str, Any]:
    return {
        "code": view.code,
        "kind": view.kind.value,
        "agency_id": view.agency_id,
        "dossier_code": view.dossier_code,
        "subject": view.subject,
        "content": view.content,
        "sender_name": view.sender_name,
        "sender_contact": view.sender_contact,
        "received_at": view.received_at,
        "due_at": view.due_at,
        "answered": view.answered,
        "overdue": view.overdue,
        "answer": view.answer,
        "answered_at": view.answered_at,
        "answered_on_time": view.answered_on_time,
        "published_at": view.published_at,
        "sender_verdict": view.sender_verdict,
    }


@blp.route("/ratings")
class Ratings(MethodView):
    @blp.doc(security=[])
    @consumes(JSON)
    @blp.arguments(RateBody)
    @blp.response(201, RatingSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Đánh giá: the applicant rates a finished dossier, once (403 when the check digits
        do not match, 409 when not finished or already rated)."""
        _limited()
        done = rate_as_applicant(
            args["dossier_code"], args["check"], args["value"], args.get("comment"), "api"
        )
        return {
            "dossier_code": done.dossier_code,
            "value": done.value.value,
            "label": done.value.label,
            "comment": done.comment,
            "rated_at": done.rated_at,
        }


@blp.route("/feedback")
class Feedback(MethodView):
    @blp.doc(security=[])
    @consumes(JSON)
    @blp.arguments(FeedbackBody)
    @blp.response(201, FeedbackReceivedSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Gửi phản ánh, kiến nghị: about a dossier (its agency answers) or to an agency."""
        _limited()
        sent = submit_feedback(
            args["kind"],
            args["subject"],
            args["content"],
            args["sender_name"],
            args.get("sender_contact"),
            args.get("dossier_code"),
            args.get("agency_id"),
        )
        return {
            "code": sent.code,
            "kind": sent.kind.value,
            "agency_id": sent.agency_id,
            "received_at": sent.received_at,
            "due_at": sent.due_at,
        }

    @requires()
    @blp.arguments(FeedbackArgs, location="query")
    @blp.response(200, FeedbackSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Phản ánh, kiến nghị received by the caller's agency, newest first (auditors and
        administrators: every agency, or ``agency_id``)."""
        me = caller()
        if me.roles & EVERYTHING_ROLES:
            agency = args.get("agency_id")
        else:
            own = own_agency(me)
            if own is None:
                abort(403, message="Tài khoản này không thuộc cơ quan nào.")
            if args.get("agency_id") not in (None, own):
                abort(403, message="Chỉ xem được phản ánh, kiến nghị gửi cơ quan của bạn.")
            agency = own
        found = feedback_service().find(
            agency_id=agency, open_only=args["open_only"], overdue_only=args["overdue_only"]
        )
        return [_feedback(view) for view in found]


@blp.route("/feedback/published")
class Published(MethodView):
    @blp.doc(security=[])
    @blp.response(200, PublishedSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Trả lời phản ánh, kiến nghị: the published answers, newest first."""
        return [_feedback(view) for view in published()]


@blp.route("/feedback/<code>/answer")
class Answer(MethodView):
    @requires()
    @consumes(JSON)
    @blp.arguments(AnswerBody)
    @blp.response(200, FeedbackSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Trả lời: an officer of the receiving agency answers (and may publish at once)."""
        check_length("answer", args["answer"])
        view = feedback_service().answer(code, caller().actor, args["answer"], args["publish"])
        return _feedback(view)


@blp.route("/feedback/<code>/publish")
class Publish(MethodView):
    @requires()
    @blp.response(200, FeedbackSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, code: str) -> dict[str, Any]:
        """Công khai: publish an answered feedback on the public page."""
        return _feedback(feedback_service().publish(code, caller().actor))
