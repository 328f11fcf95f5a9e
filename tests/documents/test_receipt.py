"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, field by field."""

from __future__ import annotations

import dataclasses
import io
import unicodedata

import pytest
import zxingcpp
from PIL import Image

from forms.documents import ReceiptContext, render

from .conftest import LOOKUP_URL, open_docx


@pytest.fixture
def lines(receipt: ReceiptContext) -> list[str]:
    return open_docx(render("01", receipt)).lines


def test_heading_names_the_agency_under_its_superior(lines: list[str]):
    assert lines[:2] == [
        "ỦY BAN NHÂN DÂN XÃ PHƯỚC LỘC",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ PHƯỚC LỘC",
    ]


def test_heading_carries_the_national_title_motto_and_date_line(lines: list[str]):
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert "Phước Lộc, ngày 24 tháng 11 năm 2026" in lines


def test_number_and_dossier_code_sit_under_the_agency(lines: list[str]):
    assert "Số: 118/TN" in lines
    assert "Mã hồ sơ: 000.00.14.H56-261124-0118" in lines


def test_title_is_the_official_one(lines: list[str]):
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in lines


def test_applicant_fields(lines: list[str]):
    assert (
        "Trung tâm Phục vụ hành chính công xã Phước Lộc tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung"
        in lines
    )
    assert "Số định danh cá nhân/Mã số doanh nghiệp: 052190001234" in lines
    assert "Địa chỉ: Thôn Hòa Mỹ, xã Phước Lộc, tỉnh Gia Lai" in lines
    assert "Số điện thoại: 0905 123 456        Email: nhung.nth@example.vn" in lines
    assert "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)" in lines
    assert "Cách thức nộp hồ sơ: Trực tiếp" in lines


def test_numbered_items_with_times_to_the_minute_fee_and_pickup(lines: list[str]):
    expected = [
        "2. Số lượng hồ sơ: 01 (bộ).",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 01 ngày làm việc.",
        "4. Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 24/11/2026.",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25/11/2026.",
        "6. Phí, lệ phí: 50.000 đồng.",
        "7. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công xã Phước Lộc.",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 01/2026, Số thứ tự: 118.",
    ]
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected


def test_component_table_lists_every_paper_with_original_or_copy_and_count(
    receipt: ReceiptContext,
):
    rows = open_docx(render("01", receipt)).table_rows("STT")
    assert rows == [
        ["1", "Tờ khai đăng ký khai sinh", "Bản chính", "01", "Đã số hóa"],
        ["2", "Giấy chứng sinh", "Bản chính", "01", "Đã số hóa"],
        ["3", "Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao", "02", "Chưa số hóa"],
    ]


def test_applicant_and_receiving_officer_sign(lines: list[str]):
    applicant_block = [
        "NGƯỜI NỘP HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "",
        "",
        "",
        "Nguyễn Thị Hồng Nhung",
    ]
    officer_block = ["NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "", "", "", "Trần Văn Bình"]
    start = lines.index("NGƯỜI NỘP HỒ SƠ")
    assert lines[start : start + 12] == applicant_block + officer_block


def test_lookup_url_is_printed_as_text(lines: list[str]):
    assert f"Tra cứu tình trạng giải quyết hồ sơ: quét mã QR hoặc truy cập {LOOKUP_URL}" in lines


def test_qr_code_decodes_to_the_lookup_url(receipt: ReceiptContext):
    document = open_docx(render("01", receipt)).document
    images = [
        part for part in document.part.package.iter_parts() if part.content_type == "image/png"
    ]
    assert len(images) == 1
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].blob)).convert("L"))
    assert [code.text for code in decoded] == [LOOKUP_URL]


def test_free_procedure_says_no_fee(receipt: ReceiptContext):
    free = dataclasses.replace(receipt, dossier=dataclasses.replace(receipt.dossier, fee=0))
    assert "6. Phí, lệ phí: Không thu phí, lệ phí." in open_docx(render("01", free)).lines


def test_register_line_is_left_out_when_the_dossier_is_not_in_a_book(receipt: ReceiptContext):
    unbooked = dataclasses.replace(
        receipt, dossier=dataclasses.replace(receipt.dossier, register_entry=None)
    )
    assert not any("Quyển số" in line for line in open_docx(render("01", unbooked)).lines)


def test_decomposed_input_prints_precomposed(receipt: ReceiptContext):
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    context = dataclasses.replace(
        receipt, applicant=dataclasses.replace(receipt.applicant, name=name)
    )
    text = open_docx(render("01", context)).text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert text == unicodedata.normalize("NFC", text)


def test_markup_characters_in_data_print_as_typed(receipt: ReceiptContext):
    company = "Công ty TNHH Xây dựng <Hòa & Mỹ>"
    context = dataclasses.replace(
        receipt, applicant=dataclasses.replace(receipt.applicant, name=company)
    )
    assert company in open_docx(render("01", context)).lines
