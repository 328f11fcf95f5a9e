"""Write the built-in templates of the official forms (and the sample result template).

Run from the repository root after changing a layout or a wording here:

    .venv/bin/python -m forms.templates.build_templates

The .docx files it writes are committed; a test checks they match this script.
Each template is an ordinary Word document with docxtpl (Jinja) placeholders:
``{{ applicant.name }}`` prints a value, ``{%tr for … %}`` repeats a table row,
``{%p if … %}`` keeps a paragraph only when a value is there. An agency that
wants another look copies a file into its own templates folder, restyles it in
Word or LibreOffice keeping the placeholders, and points ``template_dirs`` at it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Pt

from forms.document_catalogue import Circular, Form, FormSpec, specs
from forms.templates.docx_layout import (
    Style,
    grid_row,
    grid_table,
    national_heading,
    new_document,
    paragraph,
    recipients,
    set_column_widths,
    signature,
    signer_lines,
    text_width_mm,
    title,
)

__all__ = ["TEMPLATES_DIR", "RESULT_TEMPLATES", "build_all", "build_form", "main"]

TEMPLATES_DIR = Path(__file__).resolve().parent

BOLD = Style(bold=True)
CENTRED = Style(align="center")
JUSTIFIED = Style(align="justify")
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


# --- pieces shared by the letters ------------------------------------------------------


def _heading(document: DocxDocument, *, with_date: bool = True, code_line: bool = False) -> None:
    """The national heading; ``code_line`` adds the dossier code and its QR code (receipt)."""
    left = national_heading(
        document,
        [
            ("{%p if agency.superior_upper %}", CENTRED),
            ("{{ agency.superior_upper }}", Style(size=13, align="center")),
            ("{%p endif %}", CENTRED),
            ("{{ agency.name_upper }}", Style(bold=True, size=13, align="center")),
        ],
        ["{{ date_line }}"] if with_date else [],
    )
    if with_date:
        paragraph(left, "{{ number }}", CENTRED)
    if code_line:
        paragraph(left, "Mã hồ sơ: {{ dossier.code }}", CENTRED)
        paragraph(left, "{{ qr_code }}", CENTRED)


def _applicant_lines(document: DocxDocument, opening: str) -> None:
    for text in (
        opening,
        "Số định danh cá nhân/Mã số doanh nghiệp: {{ applicant.identity_number }}",
        "Địa chỉ: {{ applicant.address }}",
        "Số điện thoại: {{ applicant.phone }}        Email: {{ applicant.email }}",
        "Nội dung yêu cầu giải quyết: {{ dossier.procedure_name }}"
        " (mã thủ tục {{ dossier.procedure_code }})",
    ):
        paragraph(document, text, JUSTIFIED)


def _dossier_reference(document: DocxDocument) -> None:
    """The paragraph a letter opens with: when the dossier came in, whose, about what."""
    for text in (
        "{{ dossier.received_day|capitalize }}, {{ receiving_agency }} tiếp nhận hồ sơ"
        " của Ông/Bà: {{ applicant.name }}.",
        "Nội dung yêu cầu giải quyết: {{ dossier.procedure_name }}.",
        "Mã hồ sơ: {{ dossier.code }}.",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: {{ old_appointment }}.",
    ):
        paragraph(document, text, JUSTIFIED)


def _head_signature(document: DocxDocument, signer: str = "signer") -> None:
    width = text_width_mm(document)
    letter_recipients = recipients(["- Như trên;", "- Lưu: VT."])
    head = signer_lines(
        "{{ " + signer + ".title_upper }}",
        SEAL_HINT,
        "{{ " + signer + ".name }}",
        authority=signer + ".authority",
    )
    signature(document, [letter_recipients, head], (width * 0.45, width * 0.55))


def _officer_signature(document: DocxDocument, role: str) -> None:
    width = text_width_mm(document)
    block = signer_lines(role, SIGN_HINT, "{{ officer.name }}")
    signature(document, [[("", Style())], block], (width * 0.45, width * 0.55))


# --- the forms ---------------------------------------------------------------------------


def _receipt(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document, code_line=True)
    title(document, spec.title)
    _applicant_lines(document, "{{ agency.name }} tiếp nhận hồ sơ của: {{ applicant.name }}")
    paragraph(document, "Cách thức nộp hồ sơ: {{ dossier.channel }}")
    paragraph(document, "1. Thành phần hồ sơ nộp gồm:")
    _components_table(document)
    for text in (
        "2. Số lượng hồ sơ: {{ dossier.sets }} (bộ).",
        "3. Thời gian giải quyết hồ sơ theo quy định là: {{ dossier.time_limit }}.",
        "4. Thời gian nhận hồ sơ: {{ dossier.received }}.",
        "5. Thời gian trả kết quả giải quyết hồ sơ: {{ dossier.appointment }}.",
        "6. Phí, lệ phí: {{ dossier.fee }}.",
        "7. Đăng ký nhận kết quả tại: {{ dossier.result_pickup }}.",
        "{%p if dossier.register_volume %}",
        "Vào Sổ theo dõi hồ sơ, Quyển số: {{ dossier.register_volume }},"
        " Số thứ tự: {{ dossier.register_sequence }}.",
        "{%p endif %}",
    ):
        paragraph(document, text, JUSTIFIED)
    paragraph(
        document,
        "Tra cứu tình trạng giải quyết hồ sơ: quét mã QR hoặc truy cập {{ dossier.lookup_url }}",
    )
    width = text_width_mm(document)
    applicant = signer_lines("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, "{{ applicant.name }}")
    officer = signer_lines("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, "{{ officer.name }}")
    signature(document, [applicant, officer], (width / 2, width / 2))
    return document


def _components_table(document: DocxDocument) -> None:
    widths = (12.0, 88.0, 25.0, 18.0, 22.0)
    size = 12
    table = grid_table(
        document, ("STT", "Tên giấy tờ", "Bản chính/ Bản sao", "Số lượng", "Số hóa"), widths, size
    )
    aligns = ("center", "left", "center", "center", "center")
    grid_row(table, [["{%tr for c in components %}"], [""], [""], [""], [""]], size, aligns)
    grid_row(
        table,
        [
            ["{{ c.index }}"],
            ["{{ c.name }}"],
            ["{{ c.kind }}"],
            ["{{ c.copies }}"],
            ["{{ c.digitised }}"],
        ],
        size,
        aligns,
    )
    grid_row(table, [["{%tr endfor %}"], [""], [""], [""], [""]], size, aligns)
    set_column_widths(table, widths)


def _supplement_request(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document)
    title(document, spec.title)
    _applicant_lines(document, "{{ agency.name }} tiếp nhận hồ sơ của: {{ applicant.name }}")
    for text in (
        "{%p if dossier.code %}",
        "Mã hồ sơ: {{ dossier.code }}",
        "{%p endif %}",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:",
    ):
        paragraph(document, text, JUSTIFIED)
    widths = (12.0, 78.0, 75.0)
    size = 12
    table = grid_table(document, ("STT", "Nội dung cần bổ sung, hoàn thiện", "Lý do"), widths, size)
    aligns = ("center", "left", "left")
    grid_row(table, [["{%tr for m in missing %}"], [""], [""]], size, aligns)
    grid_row(table, [["{{ m.index }}"], ["{{ m.name }}"], ["{{ m.reason }}"]], size, aligns)
    grid_row(table, [["{%tr endfor %}"], [""], [""]], size, aligns)
    set_column_widths(table, widths)
    paragraph(
        document,
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với"
        " {{ officer.name }}{% if agency.phone %}, số điện thoại {{ agency.phone }}{% endif %}"
        " để được hướng dẫn./.",
        JUSTIFIED,
    )
    _officer_signature(document, "NGƯỜI HƯỚNG DẪN")
    return document


def _refusal(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document)
    title(document, spec.title)
    _applicant_lines(document, "{{ agency.name }} tiếp nhận hồ sơ của: {{ applicant.name }}")
    for text in (
        "Qua xem xét, {{ agency.name }} thông báo không tiếp nhận, giải quyết hồ sơ này"
        " với lý do cụ thể như sau: {{ reason }}",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
    ):
        paragraph(document, text, JUSTIFIED)
    _officer_signature(document, "NGƯỜI TIẾP NHẬN HỒ SƠ")
    return document


def _apology(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document)
    title(document, spec.title)
    paragraph(document, "Kính gửi: Ông/Bà {{ applicant.name }}", Style(align="center"))
    _dossier_reference(document)
    for text in _APOLOGY_WORDING[spec.circular]:
        paragraph(document, text, JUSTIFIED)
    _head_signature(document)
    return document


_APOLOGY_WORDING = {
    # Circular 01/2018, Mẫu 04: the agency apologises and sets a new date.
    Circular.TT01_2018: (
        "Tuy nhiên đến nay, {{ agency.name }} chưa trả kết quả giải quyết hồ sơ của Ông/Bà"
        " đúng thời hạn theo quy định ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả,"
        " lý do: {{ reason }}",
        "Sự chậm trễ này đã gây phiền hà, tốn kém cho Ông/Bà. {{ agency.name }} xin lỗi Ông/Bà"
        " và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào {{ new_appointment }}.",
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.",
    ),
    # Circular 03/2025, Mẫu 04: the agency apologises and asks to extend the time limit.
    Circular.TT03_2025: (
        "Tuy nhiên đến nay, {{ agency.name }} chưa giải quyết xong hồ sơ của Ông/Bà"
        " đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, lý do: {{ reason }}",
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {{ agency.name }} trân trọng xin lỗi"
        " Ông/Bà và đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ; thời gian"
        " hẹn trả kết quả mới là {{ new_appointment }}.",
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.",
    ),
}


def _stop_notice(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document)
    title(document, spec.title)
    paragraph(document, "Kính gửi: Ông/Bà {{ applicant.name }}", Style(align="center"))
    for text in (
        "{{ dossier.received_day|capitalize }}, {{ agency.name }} tiếp nhận hồ sơ của Ông/Bà"
        " {{ applicant.name }} đề nghị giải quyết thủ tục {{ dossier.procedure_name }}"
        " (mã hồ sơ: {{ dossier.code }}).",
        "Vào {{ requested }}, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên với lý do:"
        " {{ reason }}",
        "Căn cứ đề nghị của Ông/Bà, {{ agency.name }} thông báo dừng giải quyết hồ sơ"
        " nêu trên kể từ {{ stopped_day }}.",
        "Xin thông báo để Ông/Bà được biết./.",
    ):
        paragraph(document, text, JUSTIFIED)
    _head_signature(document)
    return document


def _control_sheet(spec: FormSpec) -> DocxDocument:
    document = new_document()
    _heading(document, with_date=False)
    title(document, spec.title)
    for text in (
        "Mã hồ sơ: {{ dossier.code }}",
        "(Kèm theo hồ sơ của: {{ applicant.name }})",
        "{%p if dossier.result_pickup %}",
        "Nơi nhận kết quả: {{ dossier.result_pickup }}",
        "{%p endif %}",
    ):
        paragraph(document, text, CENTRED)
    widths = (36.0, 29.0, 22.0, 22.0, 41.0, 15.0)
    size = 11
    headers = (
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "NGƯỜI GIAO",
        "NGƯỜI NHẬN",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)",
        "GHI CHÚ",
    )
    table = grid_table(document, headers, widths, size)
    aligns = ("left", "center", "center", "center", "center", "left")
    grid_row(table, [["{%tr for r in rows %}"], [""], [""], [""], [""], [""]], size, aligns)
    grid_row(
        table,
        [
            ["{{ r.giver }}", "{{ r.receiver }}"],
            ["{{ r.handed }}"],
            ["", "", "", "{{ r.from_person }}"],
            ["", "", "", "{{ r.to_person }}"],
            ["{{ r.result }}", "{{ r.due }}", "{{ r.done }}"],
            ["{{ r.note }}"],
        ],
        size,
        aligns,
    )
    grid_row(table, [["{%tr endfor %}"], [""], [""], [""], [""], [""]], size, aligns)
    set_column_widths(table, widths)
    return document


def _tracking_book(spec: FormSpec) -> DocxDocument:
    document = new_document(landscape=True)
    _heading(document, with_date=False)
    title(document, spec.title, "{{ period }}")
    paragraph(document, "{%p if volume %}")
    paragraph(document, "Quyển số: {{ volume }}", CENTRED)
    paragraph(document, "{%p endif %}")
    widths = (11.0, 30.0, 34.0, 37.0, 26.0, 20.0, 20.0, 20.0, 20.0, 18.0, 16.0)
    size = 10
    headers = (
        "STT",
        "Mã hồ sơ",
        "Tên cá nhân, tổ chức (địa chỉ, số điện thoại)",
        "Tên thủ tục hành chính",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Có kết quả",
        "Trả kết quả",
        "Trạng thái",
        "Ghi chú",
    )
    table = grid_table(document, headers, widths, size)
    aligns = ("center", "left", "left", "left", "left") + ("center",) * 5 + ("left",)
    empty_row = [[""]] * (len(headers) - 1)
    grid_row(table, [["{%tr for r in rows %}"], *empty_row], size, aligns)
    grid_row(
        table,
        [
            ["{{ r.index }}"],
            ["{{ r.code }}"],
            ["{{ r.applicant }}", "{{ r.contact }}"],
            ["{{ r.procedure }}"],
            ["{{ r.unit }}"],
            ["{{ r.received }}"],
            ["{{ r.appointment }}"],
            ["{{ r.finished }}"],
            ["{{ r.returned }}"],
            ["{{ r.status }}"],
            ["{{ r.note }}"],
        ],
        size,
        aligns,
    )
    grid_row(table, [["{%tr endfor %}"], *empty_row], size, aligns)
    set_column_widths(table, widths)
    return document


BUILDERS: dict[Form, Callable[[FormSpec], DocxDocument]] = {
    Form.RECEIPT: _receipt,
    Form.SUPPLEMENT_REQUEST: _supplement_request,
    Form.REFUSAL: _refusal,
    Form.APOLOGY: _apology,
    Form.STOP_NOTICE: _stop_notice,
    Form.CONTROL_SHEET: _control_sheet,
    Form.TRACKING_BOOK: _tracking_book,
}


# --- result documents ----------------------------------------------------------------------


def _birth_certificate() -> DocxDocument:
    """Giấy khai sinh (bản điện tử): the sample result of procedure 1.001193."""
    document = new_document()
    _heading(document)
    title(document, "GIẤY KHAI SINH", "(Bản điện tử)")
    for label, value in (
        ("Họ, chữ đệm, tên", "{{ data.ho_ten|upper }}"),
        ("Ngày, tháng, năm sinh", "{{ data.ngay_sinh }}"),
        ("Giới tính", "{{ data.gioi_tinh }}"),
        ("Dân tộc", "{{ data.dan_toc }}"),
        ("Quốc tịch", "{{ data.quoc_tich }}"),
        ("Nơi sinh", "{{ data.noi_sinh }}"),
        ("Quê quán", "{{ data.que_quan }}"),
        ("Số định danh cá nhân", "{{ data.so_dinh_danh }}"),
        ("Họ, chữ đệm, tên người mẹ", "{{ data.ho_ten_me }}"),
        ("Họ, chữ đệm, tên người cha", "{{ data.ho_ten_cha }}"),
        ("Người đi đăng ký khai sinh", "{{ applicant.name }}"),
        ("Nơi đăng ký khai sinh", "{{ agency.name }}"),
        ("Mã hồ sơ", "{{ dossier.code }}"),
    ):
        para = paragraph(document, f"{label}: {value}")
        para.paragraph_format.space_after = Pt(4)
    width = text_width_mm(document)
    head = signer_lines(
        "{{ signer.title_upper }}",
        SEAL_HINT,
        "{{ signer.name }}",
        authority="signer.authority",
    )
    signature(document, [[("", Style())], head], (width * 0.45, width * 0.55))
    return document


RESULT_TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "results/giay_khai_sinh.docx": _birth_certificate,
}


# --- writing ---------------------------------------------------------------------------------


def build_form(spec: FormSpec) -> bytes:
    return _stable_bytes(BUILDERS[spec.form](spec))


def build_all() -> dict[str, bytes]:
    """Every built-in template, by its path relative to the templates folder."""
    built = {spec.template: build_form(spec) for spec in specs()}
    built.update({name: _stable_bytes(make()) for name, make in RESULT_TEMPLATES.items()})
    return built


_BUILT_AT = datetime(2025, 7, 1)


def _stable_bytes(document: DocxDocument) -> bytes:
    """The .docx with fixed zip timestamps, so building twice gives the same bytes."""
    raw = io.BytesIO()
    properties = document.core_properties
    properties.author = properties.last_modified_by = "motcua"
    properties.created = properties.modified = _BUILT_AT
    properties.revision = 1
    document.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2025, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, source.read(item.filename))
    return stable.getvalue()


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else TEMPLATES_DIR
    for name, content in build_all().items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
