"""Mẫu 02–05: supplement request, refusal, apology, stop notice, field by field."""

from __future__ import annotations

import dataclasses

from forms.documents import (
    ApologyContext,
    Circular,
    RefusalContext,
    StopNoticeContext,
    SupplementRequestContext,
    render,
)

from .conftest import open_docx

APPLICANT_LINES = [
    "Số định danh cá nhân/Mã số doanh nghiệp: 052190001234",
    "Địa chỉ: Thôn Hòa Mỹ, xã Phước Lộc, tỉnh Gia Lai",
    "Số điện thoại: 0905 123 456        Email: nhung.nth@example.vn",
    "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
]


def _block(lines: list[str], first: str, length: int) -> list[str]:
    start = lines.index(first)
    return lines[start : start + length]


# --- Mẫu 02 ---------------------------------------------------------------------------------


def test_supplement_request_heading_title_and_applicant(
    supplement_request: SupplementRequestContext,
):
    lines = open_docx(render("02", supplement_request)).lines
    assert "Số: 07/YCBS" in lines
    assert "Phước Lộc, ngày 24 tháng 11 năm 2026" in lines
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in lines
    opening = (
        "Trung tâm Phục vụ hành chính công xã Phước Lộc tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung"
    )
    assert _block(lines, opening, 5) == [opening, *APPLICANT_LINES]
    assert "Mã hồ sơ: 000.00.14.H56-261124-0118" in lines


def test_supplement_request_lists_every_missing_item_with_its_reason(
    supplement_request: SupplementRequestContext,
):
    document = open_docx(render("02", supplement_request))
    assert "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:" in document.lines
    assert document.table_rows("STT") == [
        [
            "1",
            "Giấy chứng sinh (bản chính)",
            "Bản đã nộp là bản chụp, không có dấu của cơ sở y tế",
        ],
        ["2", "Văn bản ủy quyền có chứng thực", "Người nộp không phải cha, mẹ của trẻ"],
    ]


def test_supplement_request_names_who_to_ask_and_is_signed_by_the_guide(
    supplement_request: SupplementRequestContext,
):
    lines = open_docx(render("02", supplement_request)).lines
    assert (
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với Lê Thị Thu Hà,"
        " số điện thoại 0256 3833 123 để được hướng dẫn./." in lines
    )
    assert _block(lines, "NGƯỜI HƯỚNG DẪN", 6) == [
        "NGƯỜI HƯỚNG DẪN",
        "(Ký và ghi rõ họ tên)",
        "",
        "",
        "",
        "Lê Thị Thu Hà",
    ]


def test_supplement_request_at_reception_has_no_dossier_code_line(
    supplement_request: SupplementRequestContext,
):
    at_reception = dataclasses.replace(
        supplement_request, dossier=dataclasses.replace(supplement_request.dossier, code=None)
    )
    assert not any(
        line.startswith("Mã hồ sơ") for line in open_docx(render("02", at_reception)).lines
    )


# --- Mẫu 03 ---------------------------------------------------------------------------------


def test_refusal_states_the_reason_and_is_signed_by_the_receiving_officer(
    refusal: RefusalContext,
):
    lines = open_docx(render("03", refusal)).lines
    assert "Số: 03/TC" in lines
    assert "Phước Lộc, ngày 24 tháng 11 năm 2026" in lines
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in lines
    assert APPLICANT_LINES[0] in lines and APPLICANT_LINES[3] in lines
    assert (
        "Qua xem xét, Trung tâm Phục vụ hành chính công xã Phước Lộc thông báo không tiếp nhận,"
        " giải quyết hồ sơ này với lý do cụ thể như sau: Trẻ đã được đăng ký khai sinh tại"
        " Ủy ban nhân dân xã Ia Hrú ngày 02/10/2026" in lines
    )
    assert "Xin thông báo cho Ông/Bà được biết và thực hiện./." in lines
    assert _block(lines, "NGƯỜI TIẾP NHẬN HỒ SƠ", 6)[-1] == "Trần Văn Bình"


# --- Mẫu 04 ---------------------------------------------------------------------------------


def test_apology_is_issued_by_the_agency_at_fault(apology: ApologyContext):
    lines = open_docx(render("04", apology)).lines
    assert lines[:2] == ["ỦY BAN NHÂN DÂN XÃ PHƯỚC LỘC", "PHÒNG TƯ PHÁP - HỘ TỊCH XÃ PHƯỚC LỘC"]
    assert "Số: 12/XL-UBND" in lines
    assert "Phước Lộc, ngày 24 tháng 11 năm 2026" in lines


def test_apology_2025_asks_to_extend_with_the_new_appointment(apology: ApologyContext):
    lines = open_docx(render("04", apology)).lines
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in lines
    assert _block(lines, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung", 8) == [
        "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung",
        "Ngày 24 tháng 11 năm 2026, Trung tâm Phục vụ hành chính công xã Phước Lộc tiếp nhận"
        " hồ sơ của Ông/Bà: Nguyễn Thị Hồng Nhung.",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh.",
        "Mã hồ sơ: 000.00.14.H56-261124-0118.",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 25/11/2026.",
        "Tuy nhiên đến nay, Phòng Tư pháp - Hộ tịch xã Phước Lộc chưa giải quyết xong hồ sơ của"
        " Ông/Bà đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, lý do: Cần xác"
        " minh thông tin khai sinh với Bệnh viện Đa khoa tỉnh Gia Lai",
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Phòng Tư pháp - Hộ tịch xã Phước Lộc trân"
        " trọng xin lỗi Ông/Bà và đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ; thời"
        " gian hẹn trả kết quả mới là 08 giờ 15 phút, ngày 03/02/2027.",
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.",
    ]


def test_apology_is_signed_by_the_head_with_authority_and_seal(apology: ApologyContext):
    lines = open_docx(render("04", apology)).lines
    assert _block(lines, "KT. CHỦ TỊCH", 7) == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "",
        "",
        "",
        "Phạm Đức Thắng",
    ]
    assert _block(lines, "Nơi nhận:", 3) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]


def test_head_signing_in_person_has_no_authority_line(apology: ApologyContext):
    in_person = dataclasses.replace(
        apology, head=dataclasses.replace(apology.head, title="Chủ tịch", authority=None)
    )
    lines = open_docx(render("04", in_person)).lines
    assert _block(lines, "CHỦ TỊCH", 2) == ["CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)"]
    assert "KT. CHỦ TỊCH" not in lines


def test_apology_2018_sets_a_new_date_with_the_old_wording(apology: ApologyContext):
    lines = open_docx(render("04", apology, circular=Circular.TT01_2018)).lines
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in lines
    assert (
        "Sự chậm trễ này đã gây phiền hà, tốn kém cho Ông/Bà. Phòng Tư pháp - Hộ tịch xã Phước"
        " Lộc xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào 08 giờ 15 phút,"
        " ngày 03/02/2027." in lines
    )


def test_apology_without_an_agency_at_fault_comes_from_the_receiving_agency(
    apology: ApologyContext,
):
    own_fault = dataclasses.replace(apology, agency_at_fault=None)
    lines = open_docx(render("04", own_fault)).lines
    assert lines[1] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ PHƯỚC LỘC"


# --- Mẫu 05 ---------------------------------------------------------------------------------


def test_stop_notice_fields(stop_notice: StopNoticeContext):
    lines = open_docx(render("05", stop_notice)).lines
    assert "Số: 02/TB-TTPVHCC" in lines
    assert "Phước Lộc, ngày 25 tháng 11 năm 2026" in lines
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in lines
    assert _block(lines, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung", 5) == [
        "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung",
        "Ngày 24 tháng 11 năm 2026, Trung tâm Phục vụ hành chính công xã Phước Lộc tiếp nhận"
        " hồ sơ của Ông/Bà Nguyễn Thị Hồng Nhung đề nghị giải quyết thủ tục Đăng ký khai sinh"
        " (mã hồ sơ: 000.00.14.H56-261124-0118).",
        "Vào 09 giờ 05 phút, ngày 25/11/2026, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên với"
        " lý do: Gia đình chuyển về đăng ký khai sinh tại nơi cư trú của người cha",
        "Căn cứ đề nghị của Ông/Bà, Trung tâm Phục vụ hành chính công xã Phước Lộc thông báo"
        " dừng giải quyết hồ sơ nêu trên kể từ ngày 25 tháng 11 năm 2026.",
        "Xin thông báo để Ông/Bà được biết./.",
    ]
    assert _block(lines, "GIÁM ĐỐC", 6) == [
        "GIÁM ĐỐC",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "",
        "",
        "",
        "Võ Thành Nam",
    ]
