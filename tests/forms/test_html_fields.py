"""The neutral field descriptions a Jinja template renders, and reading an HTML form post back."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from forms import EForm, field_views, load_form, parse_submitted, to_marshmallow

FIXTURE = Path(__file__).parent / "fixtures" / "all_types.yaml"


@pytest.fixture(scope="module")
def form() -> EForm:
    return load_form(FIXTURE)


def test_each_type_gets_its_html_input(form: EForm) -> None:
    inputs = {view.name: view.input_type for view in field_views(form)}
    assert inputs == {
        "ho_ten": "text",
        "ghi_chu": "textarea",
        "ma_ho_so": "text",
        "so_nha": "text",
        "so_tang": "number",
        "dien_tich": "number",
        "ngay_sinh": "date",
        "hen_tra": "datetime-local",
        "cam_doan": "checkbox",
        "ban_sao": "checkbox",
        "gioi_tinh": "select",
        "so_dinh_danh": "text",
        "dien_thoai": "tel",
        "email": "email",
        "ma_so_thue": "text",
    }


def test_views_carry_sections_constraints_and_choices(form: EForm) -> None:
    views = {view.name: view for view in field_views(form)}
    assert views["ho_ten"].section == "Văn bản"
    assert views["ho_ten"].attributes() == {
        "name": "ho_ten",
        "id": "field-ho_ten",
        "required": True,
        "minlength": "2",
        "maxlength": "20",
        "type": "text",
    }
    assert views["dien_tich"].attributes()["min"] == "0.5"
    assert views["dien_tich"].step == "any"
    assert views["so_dinh_danh"].pattern == "[0-9]{12}"
    assert views["so_dinh_danh"].inputmode == "numeric"
    assert views["gioi_tinh"].choices == (("nam", "Nam"), ("nu", "Nữ"))
    assert "type" not in views["gioi_tinh"].attributes()


def test_a_template_can_render_the_form(form: EForm) -> None:
    template = Environment(autoescape=True).from_string(
        "{% for f in fields %}<label for='field-{{ f.name }}'>{{ f.label }}</label>"
        "<input{{ f.attributes() | xmlattr }}>{% endfor %}"
    )
    html = template.render(fields=field_views(form))
    assert "<label for='field-so_dinh_danh'>Số định danh cá nhân</label>" in html
    assert 'name="so_dinh_danh" id="field-so_dinh_danh" required="True"' in html


def test_an_html_post_is_read_into_typed_values(form: EForm) -> None:
    posted = {
        "ho_ten": "Nguyễn Thị Hoa",
        "ghi_chu": "",
        "so_tang": "3",
        "dien_tich": "120,5",
        "ngay_sinh": "1990-02-28",
        "hen_tra": "2025-07-01T08:30",
        "cam_doan": "on",
        "gioi_tinh": "nu",
        "so_dinh_danh": "001 190 012 345",
        "dien_thoai": "0912.345.678",
    }
    data = parse_submitted(form, posted)
    assert data == {
        "ho_ten": "Nguyễn Thị Hoa",
        "so_tang": 3,
        "dien_tich": 120.5,
        "ngay_sinh": "1990-02-28",
        "hen_tra": "2025-07-01T08:30:00+07:00",
        "cam_doan": True,
        "ban_sao": False,
        "gioi_tinh": "nu",
        "so_dinh_danh": "001190012345",
        "dien_thoai": "0912345678",
    }
    assert to_marshmallow(form)().load(data)["so_tang"] == 3


def test_a_number_that_is_not_a_number_stays_text_for_the_validator(form: EForm) -> None:
    data = parse_submitted(form, {"so_tang": "ba"})
    assert data["so_tang"] == "ba"
