"""Marshmallow building blocks shared by the REST areas: Vietnamese messages, times, pages.

Every request and response schema derives from :class:`ApiSchema`, whose
fields say what is wrong in Vietnamese (an officer or an integrator reads
these messages in a problem's ``errors``). Unknown fields in a request are
refused. Times go out in Asia/Ho_Chi_Minh with their offset and come in as
ISO 8601 with an offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from ..auth import engine

__all__ = [
    "ApiSchema",
    "ProblemSchema",
    "LocalDateTime",
    "PageArgs",
    "ReasonSchema",
    "one_of",
    "text",
    "MESSAGE_OF",
]

# Keyed by (field class name or "*", message key); the most specific wins.
MESSAGE_OF: dict[tuple[str, str], str] = {
    ("*", "required"): "Thiếu trường bắt buộc.",
    ("*", "null"): "Không được để trống (null).",
    ("*", "validator_failed"): "Giá trị không hợp lệ.",
    ("*", "invalid"): "Giá trị không hợp lệ.",
    ("*", "type"): "Phải là một đối tượng JSON.",
    ("String", "invalid"): "Phải là chuỗi ký tự.",
    ("String", "invalid_utf8"): "Chuỗi không phải UTF-8 hợp lệ.",
    ("Integer", "invalid"): "Phải là số nguyên.",
    ("Integer", "too_large"): "Số quá lớn.",
    ("Boolean", "invalid"): "Phải là true hoặc false.",
    ("LocalDateTime", "invalid"): (
        "Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-07T08:00:00+07:00."
    ),
    ("LocalDateTime", "invalid_awareness"): "Thời điểm phải có múi giờ (ví dụ +07:00).",
    ("LocalDateTime", "format"): "Không ghi được thời điểm này.",
    ("List", "invalid"): "Phải là một danh sách.",
    ("Dict", "invalid"): "Phải là một đối tượng JSON.",
    ("Email", "invalid"): "Địa chỉ thư điện tử không hợp lệ.",
}


def _vietnamese(field: fields.Field) -> None:
    names = [klass.__name__ for klass in type(field).__mro__]
    for key in list(field.error_messages):
        found = next((MESSAGE_OF[(n, key)] for n in names if (n, key) in MESSAGE_OF), None)
        field.error_messages[key] = found or MESSAGE_OF.get(("*", key)) or field.error_messages[key]
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if isinstance(inner, fields.Field):
            _vietnamese(inner)


class ApiSchema(Schema):
    """Base of request and response schemas: unknown fields refused, messages in Vietnamese."""

    error_messages = {  # noqa: RUF012 (marshmallow API)
        "unknown": "Trường này không có trong tài liệu API.",
        "type": "Dữ liệu phải là một đối tượng JSON.",
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.error_messages = dict(field_obj.error_messages)
        _vietnamese(field_obj)


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset; written in the engine's time zone (Asia/Ho_Chi_Minh)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime):
            value = value.astimezone(engine().tz)
        return super()._serialize(value, attr, obj, **kwargs)


def text(
    max_length: int, *, required: bool = False, not_blank: bool = False, **kwargs: Any
) -> fields.String:
    """A string of at most ``max_length`` characters (huge strings are refused, not stored)."""
    checks: list[Any] = [
        validate.Length(max=max_length, error=f"Không được dài quá {max_length} ký tự."),
        _no_nul,
    ]
    if not_blank:
        checks.append(validate.Regexp(r"\S", error="Không được để trống."))
    return fields.String(required=required, validate=checks, **kwargs)


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Không được chứa ký tự NUL.")


def one_of(choices: tuple[str, ...] | list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error=f"Phải là một trong: {', '.join(choices)}.")


class ProblemSchema(Schema):
    """RFC 9457 problem details: every error of this API has this shape."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"example": "https://motcua.example/problems/404"})
    title = fields.String(required=True, metadata={"example": "Không tìm thấy"})
    status = fields.Integer(required=True, metadata={"example": 404})
    detail = fields.String(required=True)
    errors = fields.Raw(
        metadata={
            "description": (
                "Field errors: an object from the field's path (`applicant.name`) to its "
                "messages; for a definition upload, a list of {line, column, message}."
            ),
        }
    )


class PageArgs(ApiSchema):
    """Keyset pagination: ``limit`` items from ``cursor`` (the previous page's next_cursor)."""

    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=200, error="Phải từ 1 đến 200."),
        metadata={"description": "Items per page (1-200)."},
    )
    cursor = text(500, metadata={"description": "next_cursor of the previous page"})


class ReasonSchema(ApiSchema):
    reason = text(2000, required=True, not_blank=True, metadata={"example": "Công dân xin rút"})
