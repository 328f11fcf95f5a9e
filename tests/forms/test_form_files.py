"""The e-form schemas in forms/schemas: each loads, and every form a procedure names exists."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import jsonschema
import pytest

from engine.definitions.loading import load_yaml_procedure
from forms import field_views, load_form, to_json_schema, to_marshmallow

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((REPO / "forms" / "schemas").glob("*.yaml"))
PROCEDURES = sorted(
    p
    for p in (REPO / "procedures").glob("*.yaml")
    if p.name not in ("units.yaml", "paper_types.yaml")
)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_form_loads_and_exports(path: Path) -> None:
    form = load_form(path)
    assert form.name == path.stem
    jsonschema.Draft202012Validator.check_schema(to_json_schema(form))
    assert set(to_marshmallow(form)().fields) == {f.name for f in form.fields}
    assert [v.name for v in field_views(form)] == [f.name for f in form.fields]


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_every_label_is_vietnamese_text_in_nfc(path: Path) -> None:
    form = load_form(path)
    texts = [form.title, *(f.label for f in form.fields), *(s.title or "" for s in form.sections)]
    for text in texts:
        assert unicodedata.normalize("NFC", text) == text


def test_every_form_a_procedure_names_is_a_schema_file() -> None:
    names = {path.stem for path in SCHEMAS}
    used = {
        component.form
        for path in PROCEDURES
        for component in load_yaml_procedure(path).procedure.components
        if component.form
    }
    assert used and used <= names


def test_the_generic_applicant_block_exists() -> None:
    form = load_form(REPO / "forms" / "schemas" / "nguoi_nop_ho_so.yaml")
    assert form.field("so_dinh_danh").type.value == "citizen_id"
    assert form.field("dien_thoai").required
