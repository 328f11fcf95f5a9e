"""E-form schemas (biểu mẫu điện tử) and, later, the official document templates."""

from .eform import (
    EForm,
    FieldType,
    FieldView,
    FormField,
    FormSection,
    field_views,
    form_from_text,
    load_form,
    load_forms,
    parse_submitted,
    to_json_schema,
    to_marshmallow,
)

__all__ = [
    "EForm",
    "FieldType",
    "FieldView",
    "FormField",
    "FormSection",
    "field_views",
    "form_from_text",
    "load_form",
    "load_forms",
    "parse_submitted",
    "to_json_schema",
    "to_marshmallow",
]
