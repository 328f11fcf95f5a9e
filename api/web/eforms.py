"""E-forms on pages: the catalogue of schemas, filling a form from a post, showing stored data.

One schema drives the HTML inputs (``field_views``), the parsing of the post
(``parse_submitted``) and the server-side validation (the marshmallow schema
``to_marshmallow`` builds, with its Vietnamese messages). Several forms can
share a page: each gets a prefix for its input names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, cast

from flask import current_app
from marshmallow import ValidationError

from forms.eform import (
    EForm,
    FieldType,
    FieldView,
    FormSchema,
    field_views,
    load_forms,
    parse_submitted,
    to_marshmallow,
)

from .common import config

__all__ = ["APPLICANT_FORM", "FilledForm", "forms", "form_named", "fill", "blank", "display_rows"]

APPLICANT_FORM = "nguoi_nop_ho_so"
_EXTENSION = "motcua.forms"


def forms() -> dict[str, EForm]:
    """Every e-form schema of the configured forms folder, loaded once per app."""
    loaded = current_app.extensions.get(_EXTENSION)
    if loaded is None:
        folder = config().path(config().paths.forms) / "schemas"
        loaded = load_forms(folder) if folder.is_dir() else {}
        current_app.extensions[_EXTENSION] = loaded
    return cast(dict[str, EForm], loaded)


def form_named(name: str | None) -> EForm | None:
    return forms().get(name) if name else None


@dataclass(frozen=True)
class FilledForm:
    """A form on a page: its inputs, what was typed, the errors, and the valid data."""

    form: EForm
    prefix: str
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> list[FieldView]:
        return [dataclasses.replace(v, name=self.prefix + v.name) for v in field_views(self.form)]

    def value(self, view: FieldView) -> str:
        return self.values.get(view.name.removeprefix(self.prefix), "")

    def errors_of(self, view: FieldView) -> list[str]:
        return self.errors.get(view.name.removeprefix(self.prefix), [])

    @property
    def valid(self) -> bool:
        return not self.errors


def blank(form: EForm, prefix: str, values: Mapping[str, str] | None = None) -> FilledForm:
    return FilledForm(form, prefix, dict(values or {}))


def fill(form: EForm, prefix: str, posted: Mapping[str, str]) -> FilledForm:
    """Read the prefixed inputs of ``form`` from a post and validate them."""
    submitted = {k.removeprefix(prefix): v for k, v in posted.items() if k.startswith(prefix)}
    schema = _schema(form)()
    try:
        loaded = schema.load(parse_submitted(form, submitted))
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        errors = {str(k): _as_list(v) for k, v in messages.items()}
        return FilledForm(form, prefix, submitted, errors)
    return FilledForm(form, prefix, submitted, {}, dict(schema.dump(loaded)))


@lru_cache(maxsize=128)
def _schema(form: EForm) -> type[FormSchema]:
    return to_marshmallow(form)


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def display_rows(form: EForm, data: Mapping[str, Any]) -> list[tuple[str | None, str, str]]:
    """(section, label, value as shown) for every field that holds a value."""
    rows = []
    for section in form.sections:
        for spec in section.fields:
            if spec.name in data and data[spec.name] not in (None, ""):
                rows.append((section.title, spec.label, _shown(spec.type, spec, data[spec.name])))
    return rows


def _shown(kind: FieldType, spec: Any, value: Any) -> str:
    if kind is FieldType.BOOLEAN:
        return "Có" if value else "Không"
    if kind is FieldType.CHOICE:
        return str(dict(spec.choices).get(str(value), value))
    if kind is FieldType.DATE:
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)
