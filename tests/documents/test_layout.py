"""Presentation per Decree 30/2020/NĐ-CP: A4, margins, Times New Roman, heading rules, title."""

from __future__ import annotations

import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from forms.documents import Form, render

from .conftest import open_docx

ALL_FORMS = [form.value for form in Form]


@pytest.fixture
def contexts(
    receipt, supplement_request, refusal, apology, stop_notice, control_sheet, tracking_book
):
    return {
        Form.RECEIPT: receipt,
        Form.SUPPLEMENT_REQUEST: supplement_request,
        Form.REFUSAL: refusal,
        Form.APOLOGY: apology,
        Form.STOP_NOTICE: stop_notice,
        Form.CONTROL_SHEET: control_sheet,
        Form.TRACKING_BOOK: tracking_book,
    }


def _rendered(contexts, form: str) -> DocxDocument:
    return open_docx(render(form, contexts[Form(form)])).document


def _paragraph(document: DocxDocument, text: str):
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text == text:
                        return paragraph
    return next(p for p in document.paragraphs if p.text == text)


@pytest.mark.parametrize("form", ALL_FORMS)
def test_page_is_a4_with_decree_30_margins(contexts, form):
    section = _rendered(contexts, form).sections[0]
    size = sorted((round(section.page_width.mm), round(section.page_height.mm)))
    assert size == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm) for margin in margins] == [20, 20, 30, 15]


def test_only_the_tracking_book_is_landscape(contexts):
    for form in ALL_FORMS:
        section = _rendered(contexts, form).sections[0]
        landscape = section.page_width > section.page_height
        assert landscape == (form == Form.TRACKING_BOOK.value), form


@pytest.mark.parametrize("form", ALL_FORMS)
def test_every_run_is_times_new_roman_for_every_script(contexts, form):
    document = _rendered(contexts, form)
    normal_fonts = document.styles["Normal"].element.rPr.rFonts
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert normal_fonts.get(qn(script)) == "Times New Roman"
    fonts = document.element.body.iter(qn("w:rFonts"))
    named = {value for element in fonts for value in element.attrib.values()}
    assert named <= {"Times New Roman"}


@pytest.mark.parametrize("form", ALL_FORMS)
def test_body_text_is_13_to_14_points(contexts, form):
    document = _rendered(contexts, form)
    assert document.styles["Normal"].font.size.pt == 13
    title = _paragraph(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.runs[0].bold and title.runs[0].font.size.pt in (12, 13)


@pytest.mark.parametrize("form", ALL_FORMS)
def test_motto_is_bold_and_underlined_by_a_rule(contexts, form):
    document = _rendered(contexts, form)
    motto = _paragraph(document, "Độc lập - Tự do - Hạnh phúc")
    assert motto.runs[0].bold and motto.runs[0].font.size.pt == 14
    rule = motto._p.getnext()
    assert rule.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom")) is not None


def test_heading_is_a_two_column_table_agency_left_nation_right(contexts):
    document = _rendered(contexts, Form.RECEIPT.value)
    left, right = document.tables[0].rows[0].cells
    assert left.paragraphs[1].text == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ PHƯỚC LỘC"
    assert left.paragraphs[1].runs[0].bold
    assert right.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_title_is_bold_14_points_and_centred(contexts):
    document = _rendered(contexts, Form.APOLOGY.value)
    title = _paragraph(document, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    assert title.runs[0].bold and title.runs[0].font.size.pt == 14
    assert title.alignment == 1  # centre


def test_date_line_is_italic(contexts):
    document = _rendered(contexts, Form.REFUSAL.value)
    date_line = _paragraph(document, "Phước Lộc, ngày 24 tháng 11 năm 2026")
    assert date_line.runs[0].italic


def test_no_placeholder_is_left_in_any_form(contexts):
    for form in ALL_FORMS:
        text = open_docx(render(form, contexts[Form(form)])).text
        assert "{{" not in text and "{%" not in text, form
