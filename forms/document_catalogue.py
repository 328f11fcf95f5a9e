"""Which official forms exist under which circular: their numbers, titles and template files.

Circular 03/2025/TT-VPCP (appendix I) has seven forms; Circular 01/2018/TT-VPCP,
which governed dossiers received before the new decree took effect, had six:
no stop notice, the control sheet was Mẫu 05 and the tracking book Mẫu 06, and
Mẫu 04 was an apology with a new date rather than a request to extend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from forms.document_errors import FormNotInCircular, UnknownForm

__all__ = [
    "Circular",
    "Form",
    "FormSpec",
    "CIRCULAR_03_2025_FROM",
    "VIETNAM",
    "circular_for",
    "form_spec",
    "parse_form",
    "specs",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Decree 118/2025/NĐ-CP took effect on 1 July 2025; a dossier received before
# that day keeps the 2018 forms for its whole life.
CIRCULAR_03_2025_FROM = date(2025, 7, 1)


class Circular(StrEnum):
    """The circular whose appendix defines the forms."""

    TT01_2018 = "01/2018/TT-VPCP"
    TT03_2025 = "03/2025/TT-VPCP"

    @property
    def folder(self) -> str:
        """Sub-folder of the templates for this circular's forms."""
        return "tt01_2018" if self is Circular.TT01_2018 else "tt03_2025"


class Form(StrEnum):
    """The official forms, named by purpose; the number depends on the circular."""

    RECEIPT = "receipt"
    SUPPLEMENT_REQUEST = "supplement_request"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SHEET = "control_sheet"
    TRACKING_BOOK = "tracking_book"


@dataclass(frozen=True)
class FormSpec:
    """One form of one circular: its number (Mẫu số), official title and template file."""

    form: Form
    circular: Circular
    number: str
    title: str

    @property
    def template(self) -> str:
        """Template path relative to a templates folder, e.g. ``tt03_2025/mau_01.docx``."""
        return f"{self.circular.folder}/mau_{self.number}.docx"

    @property
    def label(self) -> str:
        return f"Mẫu số {self.number} ({self.circular.value})"


_RECEIPT = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
_SUPPLEMENT = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
_REFUSAL = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
_CONTROL = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
_BOOK = "SỔ THEO DÕI HỒ SƠ"

_SPECS: tuple[FormSpec, ...] = (
    FormSpec(Form.RECEIPT, Circular.TT03_2025, "01", _RECEIPT),
    FormSpec(Form.SUPPLEMENT_REQUEST, Circular.TT03_2025, "02", _SUPPLEMENT),
    FormSpec(Form.REFUSAL, Circular.TT03_2025, "03", _REFUSAL),
    FormSpec(
        Form.APOLOGY,
        Circular.TT03_2025,
        "04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    ),
    FormSpec(Form.STOP_NOTICE, Circular.TT03_2025, "05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    FormSpec(Form.CONTROL_SHEET, Circular.TT03_2025, "06", _CONTROL),
    FormSpec(Form.TRACKING_BOOK, Circular.TT03_2025, "07", _BOOK),
    FormSpec(Form.RECEIPT, Circular.TT01_2018, "01", _RECEIPT),
    FormSpec(Form.SUPPLEMENT_REQUEST, Circular.TT01_2018, "02", _SUPPLEMENT),
    FormSpec(Form.REFUSAL, Circular.TT01_2018, "03", _REFUSAL),
    FormSpec(Form.APOLOGY, Circular.TT01_2018, "04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    FormSpec(Form.CONTROL_SHEET, Circular.TT01_2018, "05", _CONTROL),
    FormSpec(Form.TRACKING_BOOK, Circular.TT01_2018, "06", _BOOK),
)


def specs(circular: Circular | None = None) -> tuple[FormSpec, ...]:
    """Every form spec, or those of one circular, in form-number order."""
    return tuple(s for s in _SPECS if circular is None or s.circular is circular)


def form_spec(form: Form, circular: Circular) -> FormSpec:
    for spec in _SPECS:
        if spec.form is form and spec.circular is circular:
            return spec
    raise FormNotInCircular(f"form `{form.value}` does not exist under Circular {circular.value}")


def parse_form(code: Form | str) -> Form:
    """A form from its name (``receipt``) or its number under Circular 03/2025 (``01``, ``1``)."""
    if isinstance(code, Form):
        return code
    text = str(code).strip().lower()
    for spec in specs(Circular.TT03_2025):
        if text in (spec.form.value, spec.number, spec.number.lstrip("0")):
            return spec.form
    known = ", ".join(f"{s.number} ({s.form.value})" for s in specs(Circular.TT03_2025))
    raise UnknownForm(f"unknown form `{code}`; the official forms are {known}")


def circular_for(moment: datetime | date) -> Circular:
    """The circular whose forms apply to a dossier received at ``moment`` (Vietnam time)."""
    day = moment.astimezone(VIETNAM).date() if isinstance(moment, datetime) else moment
    return Circular.TT03_2025 if day >= CIRCULAR_03_2025_FROM else Circular.TT01_2018
