"""Giấy tờ của hồ sơ: forms 01–06 of a dossier as DOCX (or PDF), read like the dossier."""

from __future__ import annotations

import io
from typing import Any

from flask import request, send_file

from ..auth import login_required
from ..documents import dossier_document
from . import bp
from .access import readable_dossier


@bp.get("/dossiers/<code>/giay-to/<form>")
@login_required
def dossier_document_file(code: str, form: str) -> Any:
    found = readable_dossier(code)
    content, name, media_type = dossier_document(found, form, request.args.get("pdf") == "1")
    return send_file(
        io.BytesIO(content), mimetype=media_type, as_attachment=True, download_name=name
    )
