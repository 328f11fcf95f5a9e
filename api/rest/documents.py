"""Giấy tờ: a dossier's official forms 01-06 as DOCX, or PDF when LibreOffice is installed.

Read under the rules of ``api.rest.access`` (like the dossier). ``?format=pdf``
or ``Accept: application/pdf`` asks for PDF; without LibreOffice that is a 422.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from ..documents import DOCX, PDF, applicable_forms, dossier_document, pdf_available
from .access import readable_dossier
from .requests import caller, requires
from .schemas import ApiSchema, one_of

PREFIX = "/dossiers"
blp = Blueprint("documents", __name__, description="Giấy tờ của hồ sơ: Mẫu 01 đến 06")
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class DocumentArgs(ApiSchema):
    format = fields.String(
        validate=one_of(("docx", "pdf")),
        metadata={"description": "docx (default) or pdf; else the Accept header decides"},
    )


class FormSchema(ApiSchema):
    form = fields.String(required=True, metadata={"example": "01"})
    title = fields.String(required=True)
    download = fields.String(required=True)


class FormsSchema(ApiSchema):
    forms = fields.List(fields.Nested(FormSchema), required=True)
    pdf = fields.Boolean(required=True, metadata={"description": "LibreOffice is installed"})


@blp.route("/<code>/documents")
class DossierForms(MethodView):
    @requires()
    @blp.response(200, FormsSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> dict[str, Any]:
        """The forms that apply to the dossier in its present state."""
        dossier = readable_dossier(code, caller())
        return {
            "forms": [
                {
                    "form": f.number,
                    "title": f.title,
                    "download": f"{request.path.rstrip('/')}/{f.number}",
                }
                for f in applicable_forms(dossier)
            ],
            "pdf": pdf_available(),
        }


@blp.route("/<code>/documents/<form>")
class DossierDocument(MethodView):
    @requires()
    @blp.arguments(DocumentArgs, location="query")
    @blp.alt_response(
        200,
        success=True,
        description="the form, filled from the dossier's record",
        content_type=DOCX,
        schema={"type": "string", "format": "binary"},
    )
    @blp.doc(responses={"200": {"content": {PDF: _BINARY}}})
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, args: dict[str, Any], code: str, form: str) -> Response:
        """Mẫu 01 to 06 of the dossier: 404 for another form, 409 when the form
        does not apply to the dossier (a refusal for a dossier not refused)."""
        dossier = readable_dossier(code, caller())
        best = request.accept_mimetypes.best_match([DOCX, PDF], default=DOCX)
        wanted = args.get("format") or ("pdf" if best == PDF else "docx")
        content, name, media_type = dossier_document(dossier, form, wanted == "pdf")
        response: Response = send_file(
            io.BytesIO(content), mimetype=media_type, as_attachment=True, download_name=name
        )
        return response
