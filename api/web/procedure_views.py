"""Thủ tục (for process designers): deployed procedures, upload a definition, view its diagram."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from engine.definitions.loading import BPMN_SUFFIXES, YAML_SUFFIXES
from engine.definitions.problems import DefinitionError, Problem
from engine.files import safe_file_name
from engine.runtime.errors import DomainError

from ..auth import engine, roles_required
from ..problems import status_of
from . import NAV, bp
from .common import user
from .diagram import diagram_svg
from .eforms import forms

DESIGNERS = ("designer", "admin")
MAX_DEFINITION_BYTES = 2 * 1024 * 1024

NAV.append(("web.procedures", "Thủ tục", frozenset(DESIGNERS)))


@bp.get("/procedures")
@roles_required(*DESIGNERS)
def procedures() -> Any:
    return _list_page()


@bp.post("/procedures")
@roles_required(*DESIGNERS)
def upload_procedure() -> Any:
    upload = request.files.get("definition")
    if upload is None or not upload.filename:
        return _list_page(error="Chọn tệp định nghĩa thủ tục (.yaml hoặc .bpmn).", status=422)
    name = safe_file_name(upload.filename)
    if not name.lower().endswith(YAML_SUFFIXES + BPMN_SUFFIXES):
        return _list_page(error=f"“{name}” không phải tệp YAML hoặc BPMN.", status=415)
    content = upload.stream.read(MAX_DEFINITION_BYTES + 1)
    if len(content) > MAX_DEFINITION_BYTES:
        return _list_page(error=f"“{name}” lớn hơn 2 MB.", status=413)
    try:
        definition = _load(name, content)
    except DefinitionError as error:
        return _list_page(name=name, problems=_shown(error.problems, name), status=422)
    if request.form.get("action") != "deploy":
        flash(
            f"“{name}” hợp lệ: {definition.procedure.name} ({definition.procedure.code}).", "info"
        )
        return redirect(url_for("web.procedures"))
    try:
        deployed = engine().repository.deploy(definition, name, user().username)
    except DomainError as error:
        return _list_page(error=error.message, status=status_of(error))
    word = "Đã triển khai" if deployed.created else "Nội dung này đã có:"
    flash(f"{word} {deployed.name}, phiên bản {deployed.version}.", "info")
    return redirect(url_for("web.procedure", code=deployed.code, version=deployed.version))


@bp.get("/procedures/<code>")
@roles_required(*DESIGNERS)
def procedure(code: str) -> Any:
    repository = engine().repository
    version = request.args.get("version", type=int)
    deployed = repository.get(code, version) if version else repository.latest(code)
    definition = repository.definition(deployed)
    return render_template(
        "procedure.html",
        deployed=deployed,
        procedure=definition.procedure,
        versions=repository.versions(code),
        diagram=diagram_svg(definition.bpmn_xml, label=f"Sơ đồ quy trình {deployed.name}"),
    )


def _load(name: str, content: bytes) -> Any:
    """Check (and compile) an uploaded definition from a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="motcua-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return engine().repository.load_file(path, set(forms()))


def _shown(problems: list[Problem], name: str) -> list[Problem]:
    """Problems with the uploaded name instead of the temporary path."""
    return [Problem(name, p.line, p.column, p.message) for p in problems]


def _list_page(
    error: str | None = None,
    name: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Any:
    repository = engine().repository
    deployed = repository.list_latest()
    page = render_template(
        "procedures.html",
        deployed=deployed,
        error=error,
        name=name,
        problems=problems or [],
    )
    return page, status
