"""Invariants: whatever the JSON Schema accepts, marshmallow accepts, and the reverse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from forms import EForm, load_form, to_json_schema, to_marshmallow

from .json_schema_strategy import from_json_schema

REPO = Path(__file__).resolve().parents[2]
ALL_TYPES_FILE = Path(__file__).parent / "fixtures" / "all_types.yaml"
FORMS = [*sorted((REPO / "forms" / "schemas").glob("*.yaml")), ALL_TYPES_FILE]
ALL_TYPES = load_form(ALL_TYPES_FILE)


def accepted_by_marshmallow(form: EForm, data: Any) -> bool:
    try:
        to_marshmallow(form)().load(data)
    except ValidationError:
        return False
    return True


def accepted_by_json_schema(form: EForm, data: Any) -> bool:
    validator = jsonschema.Draft202012Validator(
        to_json_schema(form), format_checker=jsonschema.FormatChecker()
    )
    return validator.is_valid(data)


@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_data_generated_from_the_json_schema_passes_marshmallow(path: Path) -> None:
    form = load_form(path)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(from_json_schema(to_json_schema(form)))
    def check(data: dict[str, Any]) -> None:
        assert accepted_by_json_schema(form, data)
        assert accepted_by_marshmallow(form, data)

    check()


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.from_regex(r"\A[0-9+\-. ]{8,15}\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|\+07:00))?\Z"),
)
VALID = {
    "ho_ten": "Nguyễn Thị Hoa",
    "so_tang": 3,
    "ngay_sinh": "1990-02-28",
    "cam_doan": True,
    "gioi_tinh": "nu",
    "so_dinh_danh": "001190012345",
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([f.name for f in ALL_TYPES.fields]), JSON_VALUES)
def test_both_validators_agree_on_any_value_of_any_field(field: str, value: Any) -> None:
    data = {**VALID, field: value}
    assert accepted_by_marshmallow(ALL_TYPES, data) == accepted_by_json_schema(ALL_TYPES, data)
