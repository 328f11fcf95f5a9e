"""Which circular's forms a dossier gets, and what differs between 01/2018 and 03/2025."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from forms.documents import (
    ApologyContext,
    Circular,
    Form,
    FormNotInCircular,
    StopNoticeContext,
    circular_for,
    form_spec,
    parse_form,
    render,
    specs,
)

from .conftest import open_docx, vn


def test_dossiers_received_from_1_july_2025_use_circular_03_2025():
    assert circular_for(vn(2025, 7, 1, 0, 0)) is Circular.TT03_2025


def test_dossiers_received_before_1_july_2025_keep_circular_01_2018():
    assert circular_for(vn(2025, 6, 30, 23, 59)) is Circular.TT01_2018
    assert circular_for(date(2025, 6, 30)) is Circular.TT01_2018


def test_the_cut_over_is_decided_in_vietnam_time():
    from datetime import UTC, datetime

    # 30 June 17:30 UTC is already 1 July 00:30 in Vietnam.
    assert circular_for(datetime(2025, 6, 30, 17, 30, tzinfo=UTC)) is Circular.TT03_2025


def test_circular_03_2025_has_seven_forms_and_01_2018_six():
    assert [s.number for s in specs(Circular.TT03_2025)] == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
    ]
    assert [s.number for s in specs(Circular.TT01_2018)] == ["01", "02", "03", "04", "05", "06"]


def test_titles_that_changed_between_the_circulars():
    assert form_spec(Form.APOLOGY, Circular.TT01_2018).title == (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    )
    assert form_spec(Form.APOLOGY, Circular.TT03_2025).title == (
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
    )


def test_control_sheet_and_book_were_numbered_05_and_06_in_2018():
    assert form_spec(Form.CONTROL_SHEET, Circular.TT01_2018).number == "05"
    assert form_spec(Form.TRACKING_BOOK, Circular.TT01_2018).number == "06"


def test_form_codes_accept_numbers_and_names():
    assert parse_form("04") is Form.APOLOGY
    assert parse_form("4") is Form.APOLOGY
    assert parse_form("apology") is Form.APOLOGY
    assert parse_form(Form.APOLOGY) is Form.APOLOGY


def test_a_dossier_received_in_2025_before_july_gets_the_2018_apology(apology: ApologyContext):
    old = dataclasses.replace(
        apology, dossier=dataclasses.replace(apology.dossier, received_at=vn(2025, 6, 20, 9, 0))
    )
    document = open_docx(render("04", old))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in document.lines
    assert document.document.core_properties.subject == "Mẫu số 04 (01/2018/TT-VPCP)"


def test_the_circular_can_be_chosen_by_its_number(apology: ApologyContext):
    lines = open_docx(render("04", apology, circular="01/2018/TT-VPCP")).lines
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in lines


def test_there_is_no_stop_notice_under_circular_01_2018(stop_notice: StopNoticeContext):
    with pytest.raises(FormNotInCircular, match=r"stop_notice.*01/2018/TT-VPCP"):
        render("05", stop_notice, circular=Circular.TT01_2018)
