"""One form, two validators: marshmallow and the exported JSON Schema agree on every sample."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from marshmallow import ValidationError

from forms import EForm, load_form, to_json_schema, to_marshmallow

FIXTURE = Path(__file__).parent / "fixtures" / "all_types.yaml"

VALID: dict[str, Any] = {
    "ho_ten": "Nguyễn Thị Hoa",
    "so_tang": 3,
    "ngay_sinh": "1990-02-28",
    "cam_doan": True,
    "gioi_tinh": "nu",
    "so_dinh_danh": "001190012345",
}


@pytest.fixture(scope="module")
def form() -> EForm:
    return load_form(FIXTURE)


def marshmallow_errors(form: EForm, data: Any) -> dict[str, Any]:
    try:
        to_marshmallow(form)().load(data)
    except ValidationError as error:
        assert isinstance(error.messages, dict)
        return error.messages
    return {}


def json_schema_accepts(form: EForm, data: Any) -> bool:
    validator = jsonschema.Draft202012Validator(
        to_json_schema(form), format_checker=jsonschema.FormatChecker()
    )
    return validator.is_valid(data)


def with_value(field: str, value: Any) -> dict[str, Any]:
    return {**VALID, field: value}


def test_a_valid_submission_loads_to_typed_values(form: EForm) -> None:
    loaded = to_marshmallow(form)().load(
        {**VALID, "dien_tich": 120.5, "hen_tra": "2025-07-01T08:30:00+07:00", "ban_sao": False}
    )
    assert loaded["so_tang"] == 3
    assert loaded["ngay_sinh"] == date(1990, 2, 28)
    assert loaded["hen_tra"] == datetime(2025, 7, 1, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    assert loaded["dien_tich"] == 120.5
    assert loaded["cam_doan"] is True and loaded["ban_sao"] is False
    assert json_schema_accepts(form, VALID)


def test_vietnamese_text_is_normalised_to_nfc(form: EForm) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    assert decomposed != "Nguyễn Thị Hoa"
    loaded = to_marshmallow(form)().load(with_value("ho_ten", decomposed))
    assert loaded["ho_ten"] == "Nguyễn Thị Hoa"


GOOD_VARIANTS = [
    ("so_tang", 5.0),
    ("dien_tich", 1000),
    ("dien_tich", None),
    ("ghi_chu", ""),
    ("ma_ho_so", "HS-0042"),
    ("hen_tra", "2025-07-01T01:30:00Z"),
    ("hen_tra", "2025-07-01T08:30:00.250+07:00"),
    ("ban_sao", True),
    ("dien_thoai", "0912345678"),
    ("dien_thoai", "+84912345678"),
    ("dien_thoai", "02563822123"),
    ("email", "mot.cua@phuocloc.gov.vn"),
    ("ma_so_thue", "0101234567"),
    ("ma_so_thue", "0101234567-001"),
    ("ma_so_thue", "001190012345"),
    ("ngay_sinh", "2024-02-29"),
]


@pytest.mark.parametrize(("field", "value"), GOOD_VARIANTS)
def test_good_values_pass_both_validators(form: EForm, field: str, value: Any) -> None:
    data = with_value(field, value)
    assert marshmallow_errors(form, data) == {}
    assert json_schema_accepts(form, data)


BAD_VALUES = [
    ("ho_ten", "   ", "Họ và tên không được để trống"),
    ("ho_ten", None, "Họ và tên không được để trống"),
    ("ho_ten", 42, "Họ và tên phải là văn bản"),
    ("ho_ten", "A", "Họ và tên phải có ít nhất 2 ký tự"),
    ("ho_ten", "Nguyễn Thị Hoa Hồng Nhung", "Họ và tên không được dài quá 20 ký tự"),
    ("ghi_chu", "x" * 31, "Ghi chú không được dài quá 30 ký tự"),
    ("ma_ho_so", "HS-12", "Mã hồ sơ có dạng HS-0001"),
    ("so_nha", "12A", "Số nhà không đúng định dạng"),
    ("so_tang", 2.5, "Số tầng phải là số nguyên"),
    ("so_tang", "3", "Số tầng phải là số nguyên"),
    ("so_tang", True, "Số tầng phải là số nguyên"),
    ("so_tang", 0, "Số tầng không được nhỏ hơn 1"),
    ("so_tang", 6, "Số tầng không được lớn hơn 5"),
    ("dien_tich", "120", "Diện tích phải là số"),
    ("dien_tich", 0.25, "Diện tích không được nhỏ hơn 0,5"),
    ("dien_tich", 1000.5, "Diện tích không được lớn hơn 1000"),
    (
        "ngay_sinh",
        "28/02/1990",
        "Ngày sinh phải là ngày hợp lệ dạng năm-tháng-ngày (ví dụ 2025-07-01)",
    ),
    (
        "ngay_sinh",
        "2025-02-30",
        "Ngày sinh phải là ngày hợp lệ dạng năm-tháng-ngày (ví dụ 2025-07-01)",
    ),
    ("ngay_sinh", 19900228, "Ngày sinh phải là ngày hợp lệ dạng năm-tháng-ngày (ví dụ 2025-07-01)"),
    (
        "hen_tra",
        "2025-07-01T08:30:00",
        "Thời điểm hẹn trả phải là thời điểm hợp lệ có múi giờ (ví dụ 2025-07-01T08:30:00+07:00)",
    ),
    (
        "hen_tra",
        "2025-13-01T08:30:00+07:00",
        "Thời điểm hẹn trả phải là thời điểm hợp lệ có múi giờ (ví dụ 2025-07-01T08:30:00+07:00)",
    ),
    ("cam_doan", False, "Cần đánh dấu xác nhận: Tôi cam đoan"),
    ("cam_doan", "true", "Tôi cam đoan phải là có hoặc không"),
    ("ban_sao", 1, "Cấp bản sao phải là có hoặc không"),
    ("gioi_tinh", "Nữ", "Giới tính phải là một trong các giá trị: Nam, Nữ"),
    ("gioi_tinh", 1, "Giới tính phải là một trong các giá trị: Nam, Nữ"),
    ("so_dinh_danh", "00119001234", "Số định danh cá nhân phải gồm 12 chữ số"),
    ("so_dinh_danh", "0011900123456", "Số định danh cá nhân phải gồm 12 chữ số"),
    ("so_dinh_danh", "00119001234a", "Số định danh cá nhân phải gồm 12 chữ số"),
    ("so_dinh_danh", 1190012345, "Số định danh cá nhân phải gồm 12 chữ số"),
    (
        "dien_thoai",
        "0123456789",
        "Số điện thoại không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678)",
    ),
    (
        "dien_thoai",
        "091234567",
        "Số điện thoại không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678)",
    ),
    (
        "dien_thoai",
        "0912 345 678",
        "Số điện thoại không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678)",
    ),
    ("email", "mot.cua@", "Thư điện tử không phải địa chỉ thư điện tử hợp lệ"),
    (
        "ma_so_thue",
        "01012345",
        "Mã số thuế phải gồm 10 chữ số, dạng 0123456789-001 hoặc 12 chữ số định danh cá nhân",
    ),
    (
        "ma_so_thue",
        "0101234567-01",
        "Mã số thuế phải gồm 10 chữ số, dạng 0123456789-001 hoặc 12 chữ số định danh cá nhân",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_bad_value_gets_its_vietnamese_message(
    form: EForm, field: str, value: Any, message: str
) -> None:
    assert marshmallow_errors(form, with_value(field, value)) == {field: [message]}


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_json_schema_rejects_the_same_bad_value(
    form: EForm, field: str, value: Any, message: str
) -> None:
    assert not json_schema_accepts(form, with_value(field, value))


def test_missing_required_field_is_reported_by_name(form: EForm) -> None:
    data = {k: v for k, v in VALID.items() if k != "so_dinh_danh"}
    assert marshmallow_errors(form, data) == {
        "so_dinh_danh": ["Số định danh cá nhân không được để trống"]
    }
    assert not json_schema_accepts(form, data)


def test_unknown_field_is_refused(form: EForm) -> None:
    data = with_value("ho_ten_cha", "Nguyễn Văn Ba")
    assert marshmallow_errors(form, data) == {"ho_ten_cha": ["Trường này không có trong biểu mẫu"]}
    assert not json_schema_accepts(form, data)


def test_a_submission_that_is_not_an_object_is_refused(form: EForm) -> None:
    assert marshmallow_errors(form, ["Nguyễn Thị Hoa"]) == {
        "_schema": ["Dữ liệu biểu mẫu phải là một đối tượng gồm các trường"]
    }
    assert not json_schema_accepts(form, ["Nguyễn Thị Hoa"])


def test_several_errors_are_reported_together(form: EForm) -> None:
    data = {**VALID, "so_tang": 9, "so_dinh_danh": "123"}
    assert marshmallow_errors(form, data) == {
        "so_tang": ["Số tầng không được lớn hơn 5"],
        "so_dinh_danh": ["Số định danh cá nhân phải gồm 12 chữ số"],
    }


def test_json_schema_describes_fields_for_the_api(form: EForm) -> None:
    schema = to_json_schema(form)
    assert schema["title"] == "Biểu mẫu thử nghiệm"
    assert schema["required"] == [
        "ho_ten",
        "so_tang",
        "ngay_sinh",
        "cam_doan",
        "gioi_tinh",
        "so_dinh_danh",
    ]
    assert schema["properties"]["so_dinh_danh"] == {
        "title": "Số định danh cá nhân",
        "type": "string",
        "allOf": [{"pattern": r"\S"}, {"pattern": "^[0-9]{12}$"}],
    }
    assert schema["properties"]["gioi_tinh"]["oneOf"] == [
        {"const": "nam", "title": "Nam"},
        {"const": "nu", "title": "Nữ"},
    ]
