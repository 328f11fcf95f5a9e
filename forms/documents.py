"""Official documents of the one-stop mechanism, as DOCX (and PDF through LibreOffice).

    render("01", ReceiptContext(...))            -> bytes of a .docx
    render(Form.APOLOGY, ctx, circular=Circular.TT01_2018)
    render_result("giay_khai_sinh.docx", ResultContext(...))
    to_pdf(docx_bytes)                            -> bytes of a .pdf

Forms are numbered as in Circular 03/2025/TT-VPCP (01 receipt … 07 tracking
book). The circular is chosen from the dossier's reception date unless given:
a dossier received before 1 July 2025 keeps the forms of Circular 01/2018.

Each form is a .docx template with docxtpl placeholders, looked up first in the
agency's own folders (``template_dirs``, most specific first) and then among the
built-in ones in ``forms/templates``. Nothing is returned unless every field the
form needs is there: a bad context raises a ``DocumentError`` naming the field.

Dev entry: ``python -m forms.documents 01 sample.json -o receipt.docx [--pdf]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import qrcode
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from qrcode.image.pil import PilImage

from forms.document_catalogue import (
    CIRCULAR_03_2025_FROM,
    Circular,
    Form,
    FormSpec,
    circular_for,
    form_spec,
    parse_form,
    specs,
)
from forms.document_errors import (
    ContextError,
    DocumentError,
    FormNotInCircular,
    InvalidContextField,
    MissingContextField,
    PdfExportFailed,
    PdfExportUnavailable,
    TemplateError,
    TemplateNotFound,
    UnknownForm,
)
from forms.document_loading import from_data
from forms.document_model import (
    Agency,
    ApologyContext,
    Applicant,
    BookEntry,
    Channel,
    Component,
    ControlSheetContext,
    Dossier,
    FormContext,
    HandOver,
    MissingItem,
    Officer,
    ReceiptContext,
    RefusalContext,
    RegisterEntry,
    ResultContext,
    Signer,
    StopNoticeContext,
    SupplementRequestContext,
    Timeliness,
    TrackingBookContext,
)
from forms.document_views import CONTEXT_TYPES, result_values, template_values

__all__ = [
    # what to call
    "render",
    "render_result",
    "to_pdf",
    "load_context",
    "find_template",
    "qr_png",
    "write_atomically",
    "BUILT_IN_TEMPLATES",
    # forms and circulars
    "Circular",
    "Form",
    "FormSpec",
    "CIRCULAR_03_2025_FROM",
    "circular_for",
    "form_spec",
    "parse_form",
    "specs",
    # the contexts (the contract with the runtime)
    "Agency",
    "Applicant",
    "ApologyContext",
    "BookEntry",
    "Channel",
    "Component",
    "ControlSheetContext",
    "Dossier",
    "FormContext",
    "HandOver",
    "MissingItem",
    "Officer",
    "ReceiptContext",
    "RefusalContext",
    "RegisterEntry",
    "ResultContext",
    "Signer",
    "StopNoticeContext",
    "SupplementRequestContext",
    "Timeliness",
    "TrackingBookContext",
    # errors
    "DocumentError",
    "UnknownForm",
    "FormNotInCircular",
    "ContextError",
    "MissingContextField",
    "InvalidContextField",
    "TemplateNotFound",
    "TemplateError",
    "PdfExportUnavailable",
    "PdfExportFailed",
]

BUILT_IN_TEMPLATES = Path(__file__).resolve().parent / "templates"
RESULTS_FOLDER = "results"
QR_WIDTH_MM = 22

TemplateDirs = Sequence[Path | str]


def render(
    form: Form | str,
    context: FormContext,
    *,
    circular: Circular | str | None = None,
    template_dirs: TemplateDirs = (),
) -> bytes:
    """The .docx of official form ``form`` (``"01"``…``"07"`` or a ``Form``) for ``context``."""
    chosen = parse_form(form)
    expected = CONTEXT_TYPES[chosen]
    if not isinstance(context, expected):
        raise InvalidContextField(
            chosen.value, "context", f"must be a {expected.__name__}, got {type(context).__name__}"
        )
    spec = form_spec(chosen, _circular(circular, context))
    values = template_values(spec, context)
    template = find_template(spec.template, template_dirs)
    qr_url = values["dossier"]["lookup_url"] if chosen is Form.RECEIPT else None
    return _fill(template, values, qr_url=qr_url, subject=spec.label)


def render_result(
    template_name: str, context: ResultContext, *, template_dirs: TemplateDirs = ()
) -> bytes:
    """The procedure's result document from ``results/<template_name>`` (``result.template``).

    The template reads the e-form data as ``{{ data.<field> }}``; a field it
    prints that the data lacks raises ``MissingContextField`` (``data.<field>``).
    """
    if not isinstance(context, ResultContext):
        raise InvalidContextField("result document", "context", "must be a ResultContext")
    values = result_values(context)
    values["data"] = _StrictData(values["data"], "result document", "data.")
    return _fill(find_template(f"{RESULTS_FOLDER}/{template_name}", template_dirs), values)


def find_template(relative: str, template_dirs: TemplateDirs = ()) -> Path:
    """The first ``relative`` file in the agency's folders, else the built-in one."""
    name = _safe_relative(relative)
    for folder in [*map(Path, template_dirs), BUILT_IN_TEMPLATES]:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(Path(d)) for d in [*template_dirs, BUILT_IN_TEMPLATES])
    raise TemplateNotFound(f"no template `{relative}` in {searched}")


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (medium error correction survives a worn print)."""
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer)
    return buffer.getvalue()


def to_pdf(docx: bytes, *, soffice: str | None = None, timeout_seconds: float = 180) -> bytes:
    """The PDF of a .docx, converted by LibreOffice in headless mode.

    Raises ``PdfExportUnavailable`` when LibreOffice is not installed (the DOCX
    itself is always available), ``PdfExportFailed`` when it produced nothing.
    """
    binary = soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise PdfExportUnavailable(
            "PDF export needs LibreOffice, which is not installed (no `soffice` on PATH); "
            "install it (Debian: apt-get install libreoffice-writer) or use the DOCX"
        )
    with tempfile.TemporaryDirectory(prefix="motcua-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        _run_soffice(binary, source, folder, timeout_seconds)
        pdf = folder / "document.pdf"
        if not pdf.is_file():
            raise PdfExportFailed("LibreOffice finished without writing a PDF")
        return pdf.read_bytes()


def load_context(form: Form | str, data: Mapping[str, Any]) -> FormContext:
    """A form's context from JSON-like data (ISO 8601 times with their zone)."""
    chosen = parse_form(form)
    context: FormContext = from_data(CONTEXT_TYPES[chosen], data, chosen.value)
    return context


def write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- inside ---------------------------------------------------------------------------------


def _circular(chosen: Circular | str | None, context: FormContext) -> Circular:
    if chosen is None:
        return circular_for(_reference_moment(context))
    try:
        return Circular(chosen)
    except ValueError:
        known = ", ".join(c.value for c in Circular)
        raise UnknownForm(f"unknown circular `{chosen}`; known: {known}") from None


def _reference_moment(context: FormContext) -> datetime | date:
    """The day that decides the circular: the dossier's reception, or the book's first day."""
    if isinstance(context, TrackingBookContext):
        return context.period_start
    received = context.dossier.received_at
    if received.utcoffset() is None:
        raise InvalidContextField(
            type(context).__name__, "dossier.received_at", "has no time zone (naive datetime)"
        )
    return received


def _fill(
    template: Path, values: dict[str, Any], *, qr_url: str | None = None, subject: str = ""
) -> bytes:
    try:
        document = DocxTemplate(str(template))
        if qr_url is not None:
            image = io.BytesIO(qr_png(qr_url))
            values = {**values, "qr_code": InlineImage(document, image, width=Mm(QR_WIDTH_MM))}
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
        document.render(values, jinja_env=environment, autoescape=True)
        # Which form and circular this is, for whoever files the document later.
        document.docx.core_properties.subject = subject
        output = io.BytesIO()
        document.save(output)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as error:
        raise TemplateError(f"{template}: not a readable .docx template ({error})") from error
    except jinja2.TemplateError as error:
        raise TemplateError(f"{template}: {error}") from error
    return output.getvalue()


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise TemplateNotFound(f"template name `{name}` must be a relative path inside a folder")
    return path


class _StrictData(Mapping[str, Any]):
    """E-form data whose missing keys are reported as missing context fields."""

    def __init__(self, values: Mapping[str, Any], label: str, prefix: str):
        self._values, self._label, self._prefix = values, label, prefix

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            raise MissingContextField(self._label, self._prefix + key)
        value = self._values[key]
        if isinstance(value, Mapping):
            return _StrictData(value, self._label, f"{self._prefix}{key}.")
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _run_soffice(binary: str, source: Path, folder: Path, timeout_seconds: float) -> None:
    profile = (folder / "profile").as_uri()  # a private profile: no clash with a running office
    command = [
        binary,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_seconds, check=False)
    except subprocess.TimeoutExpired:
        raise PdfExportFailed(f"LibreOffice did not finish in {timeout_seconds:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise PdfExportFailed(f"LibreOffice failed ({done.returncode}): {message}")


# --- dev entry point ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m forms.documents",
        description="Fill an official form (01–07 of Circular 03/2025) from a JSON context.",
    )
    parser.add_argument("form", help="form number 01–07 or name (receipt, apology, …)")
    parser.add_argument("context", type=Path, help="JSON file with the form's context")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    parser.add_argument("--circular", choices=[c.value for c in Circular])
    parser.add_argument("--templates", type=Path, action="append", default=[])
    parser.add_argument("--pdf", action="store_true", help="convert to PDF with LibreOffice")
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.context.read_text(encoding="utf-8"))
        context = load_context(args.form, data)
        content = render(args.form, context, circular=args.circular, template_dirs=args.templates)
        write_atomically(args.output, to_pdf(content) if args.pdf else content)
    except (DocumentError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
