"""Mẫu 06 (process control sheet) and Mẫu 07 (tracking book), row by row."""

from __future__ import annotations

import dataclasses
from datetime import date

from forms.documents import Circular, ControlSheetContext, TrackingBookContext, render

from .conftest import open_docx


def test_control_sheet_heading_identifies_the_dossier(control_sheet: ControlSheetContext):
    lines = open_docx(render("06", control_sheet)).lines
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in lines
    start = lines.index("Mã hồ sơ: 000.00.14.H56-261124-0118")
    assert lines[start : start + 3] == [
        "Mã hồ sơ: 000.00.14.H56-261124-0118",
        "(Kèm theo hồ sơ của: Nguyễn Thị Hồng Nhung)",
        "Nơi nhận kết quả: Trung tâm Phục vụ hành chính công xã Phước Lộc",
    ]


def test_control_sheet_has_one_row_per_hand_over(control_sheet: ControlSheetContext):
    rows = open_docx(render("06", control_sheet)).table_rows("TÊN CƠ QUAN")
    assert rows == [
        [
            "1. Giao: Bộ phận Một cửa\n2. Nhận: Công chức Tư pháp - Hộ tịch",
            "08 giờ 30 phút, ngày 24/11/2026",
            "\n\n\nTrần Văn Bình",
            "\n\n\nLê Thị Thu Hà",
            "Trước hạn\nHạn: 14 giờ 00 phút, ngày 24/11/2026\n"
            "Xong: 11 giờ 05 phút, ngày 24/11/2026",
            "",
        ],
        [
            "1. Giao: Công chức Tư pháp - Hộ tịch\n2. Nhận: Lãnh đạo Ủy ban nhân dân xã",
            "11 giờ 05 phút, ngày 24/11/2026",
            "\n\n\nLê Thị Thu Hà",
            "\n\n\nPhạm Đức Thắng",
            "Đúng hạn\nHạn: 09 giờ 00 phút, ngày 25/11/2026\nXong: 09 giờ 00 phút, ngày 25/11/2026",
            "",
        ],
        [
            "1. Giao: Lãnh đạo Ủy ban nhân dân xã\n2. Nhận: Bộ phận Một cửa",
            "09 giờ 00 phút, ngày 25/11/2026",
            "\n\n\nPhạm Đức Thắng",
            "\n\n\nTrần Văn Bình",
            "Quá hạn\nHạn: 16 giờ 30 phút, ngày 25/11/2026\nXong: 08 giờ 15 phút, ngày 03/02/2027",
            "Đã gửi văn bản xin lỗi",
        ],
    ]


def test_control_sheet_header_names_the_official_columns(control_sheet: ControlSheetContext):
    table = open_docx(render("06", control_sheet)).document.tables[-1]
    assert [cell.text for cell in table.rows[0].cells] == [
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "NGƯỜI GIAO",
        "NGƯỜI NHẬN",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)",
        "GHI CHÚ",
    ]


def test_a_hand_over_still_in_progress_leaves_its_result_blank(
    control_sheet: ControlSheetContext,
):
    open_row = dataclasses.replace(control_sheet.rows[0], due_at=None, done_at=None, result=None)
    context = dataclasses.replace(control_sheet, rows=(open_row,))
    [row] = open_docx(render("06", context)).table_rows("TÊN CƠ QUAN")
    assert row[4] == "\n\n"


def test_control_sheet_of_2018_is_form_05_with_the_same_layout(
    control_sheet: ControlSheetContext,
):
    document = open_docx(render("06", control_sheet, circular=Circular.TT01_2018))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in document.lines
    assert len(document.table_rows("TÊN CƠ QUAN")) == 3


def test_tracking_book_names_its_period_and_volume(tracking_book: TrackingBookContext):
    lines = open_docx(render("07", tracking_book)).lines
    start = lines.index("SỔ THEO DÕI HỒ SƠ")
    assert lines[start : start + 2] == [
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 21/10/2026 đến ngày 20/11/2026",
    ]
    assert "Quyển số: 01/2026" in lines


def test_tracking_book_has_one_row_per_dossier(tracking_book: TrackingBookContext):
    rows = open_docx(render("07", tracking_book)).table_rows("STT")
    assert rows == [
        [
            "1",
            "000.00.14.H56-261022-0101",
            "Nguyễn Thị Hồng Nhung\nThôn Hòa Mỹ, xã Phước Lộc; 0905 123 456",
            "Đăng ký khai sinh",
            "Công chức Tư pháp - Hộ tịch",
            "08 giờ 15 phút, ngày 22/10/2026",
            "16 giờ 30 phút, ngày 23/10/2026",
            "10 giờ 00 phút, ngày 23/10/2026",
            "14 giờ 45 phút, ngày 23/10/2026",
            "Đã trả kết quả",
            "",
        ],
        [
            "2",
            "000.00.14.H56-261105-0102",
            "Đặng Quốc Huy\n",
            "Đăng ký kết hôn",
            "",
            "14 giờ 20 phút, ngày 05/11/2026",
            "16 giờ 30 phút, ngày 10/11/2026",
            "",
            "",
            "Đang giải quyết",
            "Chờ xác minh",
        ],
    ]


def test_tracking_book_header_names_the_columns(tracking_book: TrackingBookContext):
    table = open_docx(render("07", tracking_book)).document.tables[-1]
    assert [cell.text for cell in table.rows[0].cells] == [
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
    ]


def test_an_empty_period_gives_a_book_with_only_the_header(tracking_book: TrackingBookContext):
    empty = dataclasses.replace(tracking_book, rows=())
    assert open_docx(render("07", empty)).table_rows("STT") == []


def test_book_of_a_period_before_july_2025_uses_the_2018_form(
    tracking_book: TrackingBookContext,
):
    old = dataclasses.replace(
        tracking_book, period_start=date(2025, 5, 21), period_end=date(2025, 6, 20)
    )
    document = open_docx(render("07", old))
    assert "Từ ngày 21/05/2025 đến ngày 20/06/2025" in document.lines
    assert document.document.core_properties.subject == "Mẫu số 06 (01/2018/TT-VPCP)"
