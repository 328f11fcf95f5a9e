"""The e-forms the API validates against: built-in schemas, overridden by the configured folder.

A form named by a component (``form: to_khai_khai_sinh``) is looked up in
``<paths.forms>/schemas`` first, then in the schemas shipped with motcua
(``forms/schemas``), as the document templates are. Loaded once per app.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from flask import current_app

import forms as forms_package
from engine.config import Config
from engine.definitions.model import Component, Procedure
from forms.eform import EForm, load_forms, to_marshmallow

from .requests import load

__all__ = ["known_forms", "application_form", "validate_form_data", "form_of"]

BUILT_IN = Path(forms_package.__file__).resolve().parent / "schemas"


def known_forms() -> dict[str, EForm]:
    found = current_app.extensions.get("motcua.eforms")
    if found is None:
        found = _load(current_app.config["MOTCUA_CONFIG"])
        current_app.extensions["motcua.eforms"] = found
    return cast(dict[str, EForm], found)


def _load(config: Config) -> dict[str, EForm]:
    found = load_forms(BUILT_IN)
    configured = config.path(config.paths.forms) / "schemas"
    if configured.is_dir() and configured.resolve() != BUILT_IN:
        found.update(load_forms(configured))
    return found


def form_of(component: Component) -> EForm | None:
    return known_forms().get(component.form) if component.form else None


def application_form(procedure: Procedure) -> tuple[Component, EForm] | None:
    """The application form: the e-form of the first component that names one."""
    for component in procedure.components:
        form = form_of(component)
        if form is not None:
            return component, form
    return None


def validate_form_data(form: EForm, data: Any, prefix: str) -> dict[str, Any]:
    """A checked form submission, NFC-normalised, as JSON values (dates as ISO 8601 text).

    A submission that does not pass is a 422 with the form's own messages,
    under ``prefix`` (``data.ngay_sinh``).
    """
    loaded = cast(dict[str, Any], load(to_marshmallow(form)(), data, prefix))
    return {name: _as_json(value) for name, value in loaded.items()}


def _as_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
