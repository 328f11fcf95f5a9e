"""Templates are files: the committed ones match the builder; agencies override them by file."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document

from forms.documents import (
    BUILT_IN_TEMPLATES,
    MissingContextField,
    ReceiptContext,
    RefusalContext,
    ResultContext,
    TemplateError,
    TemplateNotFound,
    find_template,
    render,
    render_result,
    specs,
)
from forms.templates.build_templates import build_all

from .conftest import open_docx

BUILT = build_all()


def _xml_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist())}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_committed_template_matches_what_the_builder_makes(name: str):
    committed = BUILT_IN_TEMPLATES / name
    assert committed.is_file(), f"{name} missing: run python -m forms.templates.build_templates"
    assert _xml_parts(committed.read_bytes()) == _xml_parts(BUILT[name]), (
        f"{name} differs from build_templates.py: rebuild and commit it"
    )


def test_every_form_of_both_circulars_has_a_built_in_template():
    for spec in specs():
        assert (BUILT_IN_TEMPLATES / spec.template).is_file(), spec.label


def test_no_stray_template_files():
    on_disk = {
        str(path.relative_to(BUILT_IN_TEMPLATES)) for path in BUILT_IN_TEMPLATES.rglob("*.docx")
    }
    assert on_disk == set(BUILT)


def _placeholders(path: Path) -> set[str]:
    text = "\n".join(p.text for p in _all_paragraphs(Document(str(path))))
    return set(re.findall(r"\{\{ ([a-z_.]+)", text))


def _all_paragraphs(document):  # type: ignore[no-untyped-def]
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_receipt_template_holds_every_placeholder_the_form_prints():
    expected = {
        "agency.superior_upper", "agency.name_upper", "agency.name", "date_line", "number",
        "dossier.code", "qr_code", "applicant.name", "applicant.identity_number",
        "applicant.address", "applicant.phone", "applicant.email", "dossier.procedure_name",
        "dossier.procedure_code", "dossier.channel", "c.index", "c.name", "c.kind", "c.copies",
        "c.digitised", "dossier.sets", "dossier.time_limit", "dossier.received",
        "dossier.appointment", "dossier.fee", "dossier.result_pickup", "dossier.register_volume",
        "dossier.register_sequence", "dossier.lookup_url", "officer.name",
    }  # fmt: skip
    for spec in specs():
        if spec.form.value == "receipt":
            assert _placeholders(BUILT_IN_TEMPLATES / spec.template) == expected, spec.label


# --- agencies' own templates -----------------------------------------------------------------


def _restyled_refusal(folder: Path) -> None:
    """An agency's copy of Mẫu 03 with its own closing line, as if edited in Word."""
    template = Document(str(BUILT_IN_TEMPLATES / "tt03_2025/mau_03.docx"))
    closing = next(p for p in template.paragraphs if p.text.startswith("Xin thông báo"))
    closing.runs[0].text = "Mọi thắc mắc xin gọi {{ agency.phone }}./."
    target = folder / "tt03_2025" / "mau_03.docx"
    target.parent.mkdir(parents=True)
    template.save(str(target))


def test_an_agency_template_is_used_before_the_built_in_one(
    tmp_path: Path, refusal: RefusalContext
):
    _restyled_refusal(tmp_path)
    lines = open_docx(render("03", refusal, template_dirs=[tmp_path])).lines
    assert "Mọi thắc mắc xin gọi 0256 3833 123./." in lines
    assert "Xin thông báo cho Ông/Bà được biết và thực hiện./." not in lines


def test_forms_the_agency_did_not_restyle_come_from_the_built_in_set(
    tmp_path: Path, receipt: ReceiptContext
):
    _restyled_refusal(tmp_path)
    assert find_template("tt03_2025/mau_01.docx", [tmp_path]) == (
        BUILT_IN_TEMPLATES / "tt03_2025/mau_01.docx"
    )
    assert (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
        in open_docx(render("01", receipt, template_dirs=[tmp_path])).lines
    )


def test_the_first_folder_that_has_the_file_wins(tmp_path: Path):
    district, province = tmp_path / "district", tmp_path / "province"
    _restyled_refusal(district)
    _restyled_refusal(province)
    assert find_template("tt03_2025/mau_03.docx", [district, province]) == (
        district / "tt03_2025/mau_03.docx"
    )


def test_a_template_with_an_unknown_placeholder_is_reported(
    tmp_path: Path, refusal: RefusalContext
):
    template = Document(str(BUILT_IN_TEMPLATES / "tt03_2025/mau_03.docx"))
    template.add_paragraph("{{ applicant.birthday }}")
    (tmp_path / "tt03_2025").mkdir()
    template.save(str(tmp_path / "tt03_2025" / "mau_03.docx"))
    with pytest.raises(TemplateError, match=r"mau_03\.docx.*birthday"):
        render("03", refusal, template_dirs=[tmp_path])


def test_a_file_that_is_not_a_docx_is_reported(tmp_path: Path, refusal: RefusalContext):
    (tmp_path / "tt03_2025").mkdir()
    (tmp_path / "tt03_2025" / "mau_03.docx").write_text("not a document")
    with pytest.raises(TemplateError, match=re.escape("not a readable .docx template")):
        render("03", refusal, template_dirs=[tmp_path])


def test_template_names_cannot_leave_the_templates_folder():
    with pytest.raises(TemplateNotFound, match="relative path"):
        find_template("../../pyproject.toml")
    with pytest.raises(TemplateNotFound, match="relative path"):
        find_template("/etc/passwd")


# --- result documents ---------------------------------------------------------------------------


def test_birth_certificate_prints_the_form_data(birth_certificate: ResultContext):
    lines = open_docx(render_result("giay_khai_sinh.docx", birth_certificate)).lines
    assert "GIẤY KHAI SINH" in lines
    assert "(Bản điện tử)" in lines
    assert "Số: 118/2026/KS" in lines
    assert "Phước Lộc, ngày 25 tháng 11 năm 2026" in lines
    start = lines.index("Họ, chữ đệm, tên: NGUYỄN MINH KHÔI")
    assert lines[start : start + 13] == [
        "Họ, chữ đệm, tên: NGUYỄN MINH KHÔI",
        "Ngày, tháng, năm sinh: 02/11/2026",
        "Giới tính: Nam",
        "Dân tộc: Kinh",
        "Quốc tịch: Việt Nam",
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Gia Lai",
        "Quê quán: xã Phước Lộc, tỉnh Gia Lai",
        "Số định danh cá nhân: 052226004321",
        "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Hồng Nhung",
        "Họ, chữ đệm, tên người cha: Nguyễn Văn Tài",
        "Người đi đăng ký khai sinh: Nguyễn Thị Hồng Nhung",
        "Nơi đăng ký khai sinh: Trung tâm Phục vụ hành chính công xã Phước Lộc",
        "Mã hồ sơ: 000.00.14.H56-261124-0118",
    ]
    assert "Phạm Đức Thắng" in lines


def test_result_data_missing_a_field_the_template_prints_is_named(
    birth_certificate: ResultContext,
):
    data = {k: v for k, v in birth_certificate.data.items() if k != "ho_ten_cha"}
    context = dataclasses.replace(birth_certificate, data=data)
    with pytest.raises(MissingContextField, match=re.escape("`data.ho_ten_cha`")):
        render_result("giay_khai_sinh.docx", context)


def test_a_result_template_that_is_not_configured_is_reported(birth_certificate: ResultContext):
    with pytest.raises(TemplateNotFound, match=re.escape("results/giay_ket_hon.docx")):
        render_result("giay_ket_hon.docx", birth_certificate)


def test_an_agency_result_template_is_found_in_its_results_folder(
    tmp_path: Path, birth_certificate: ResultContext
):
    template = Document()
    template.add_paragraph("Trích lục khai sinh của {{ data.ho_ten }}")
    (tmp_path / "results").mkdir()
    template.save(str(tmp_path / "results" / "trich_luc.docx"))
    content = render_result("trich_luc.docx", birth_certificate, template_dirs=[tmp_path])
    assert open_docx(content).lines == ["Trích lục khai sinh của Nguyễn Minh Khôi"]
