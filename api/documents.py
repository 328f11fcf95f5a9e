"""A dossier's official forms (01–06) for the web page and the REST API: which apply, the file.

Which forms apply follows the dossier's record: the receipt (01) and the
control sheet (06) always; the supplement request (02) once one was asked;
the refusal (03) when refused; the apology (04) once a letter or its draft was
recorded; the stop notice (05) when stopped. PDF needs LibreOffice
(``soffice``); without it only DOCX is offered.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import cast

from flask import current_app

from engine.config import Config
from engine.runtime.dossier import DossierStatus
from engine.runtime.errors import InvalidCommand, NotFound
from engine.runtime.paperwork import render_dossier_document
from engine.runtime.views import DossierView
from forms.document_errors import MissingContextField, PdfExportUnavailable
from forms.documents import DocumentError, to_pdf

from .auth import engine

__all__ = [
    "FORMS",
    "DOCX",
    "PDF",
    "FormNotFound",
    "DocumentFailed",
    "DossierForm",
    "applicable_forms",
    "pdf_available",
    "dossier_document",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMS = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}


class FormNotFound(NotFound):
    code = "form_not_found"


class DocumentFailed(InvalidCommand):
    code = "document_failed"


@dataclass(frozen=True)
class DossierForm:
    number: str
    title: str


def applicable_forms(dossier: DossierView) -> list[DossierForm]:
    outcome = dossier.outcome
    applies = {
        "01": True,
        "02": bool(outcome.get("supplement_requests")),
        "03": dossier.status is DossierStatus.REFUSED,
        "04": bool(outcome.get("apologies") or outcome.get("apology_draft")),
        "05": dossier.status is DossierStatus.STOPPED,
        "06": True,
    }
    return [DossierForm(number, FORMS[number]) for number, yes in applies.items() if yes]


def pdf_available() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def dossier_document(dossier: DossierView, form: str, as_pdf: bool) -> tuple[bytes, str, str]:
    """(content, file name, media type) of form ``form`` of a dossier the caller may read."""
    if form not in FORMS:
        known = ", ".join(FORMS)
        raise FormNotFound(f"Không có mẫu “{form[:20]}”; các mẫu của hồ sơ: {known}.", form=form)
    config = cast(Config, current_app.config["MOTCUA_CONFIG"])
    try:
        content, name = render_dossier_document(
            engine(), dossier.code, form, public_base_url=config.web.public_base_url
        )
        if as_pdf:
            return to_pdf(content), name.removesuffix(".docx") + ".pdf", PDF
    except MissingContextField as error:
        raise DocumentFailed(
            f"Không lập được {FORMS[form]}: hồ sơ thiếu thông tin bắt buộc “{error.field}”.",
            form=form,
            field=error.field,
        ) from error
    except PdfExportUnavailable as error:
        raise DocumentFailed(
            "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX.", form=form
        ) from error
    except DocumentError as error:
        raise DocumentFailed(f"Không lập được {FORMS[form]}: {error}", form=form) from error
    return content, name, DOCX
