"""Errors as RFC 9457 problem details: the one place a domain error becomes an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from engine.runtime.errors import (
    Conflict,
    DomainError,
    InvalidCommand,
    NotAuthorised,
    NotFound,
    Unavailable,
)

__all__ = [
    "STATUS_OF",
    "HTTP_DETAILS",
    "status_of",
    "problem",
    "problem_from_domain",
    "problem_from_http",
    "field_errors",
]

# Most specific first.
STATUS_OF: tuple[tuple[type[DomainError], int], ...] = (
    (Unavailable, 503),
    (NotFound, 404),
    (Conflict, 409),
    (NotAuthorised, 403),
    (InvalidCommand, 422),
    (DomainError, 400),
)

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    413: "Tệp quá lớn",
    415: "Loại tệp không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
    503: "Tạm thời không phục vụ được",
}


def status_of(error: DomainError) -> int:
    return next(status for kind, status in STATUS_OF if isinstance(error, kind))


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, Any] | list[Any] | None = None,
    **extra: Any,
) -> Response:
    """A JSON problem body: type, title, status, detail, and field errors when given."""
    body: dict[str, Any] = {
        "type": f"https://motcua.example/problems/{code or status}",
        "title": TITLES.get(status, "Lỗi"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


_RESERVED = {"type", "title", "status", "detail", "errors"}


def problem_from_domain(error: DomainError) -> Response:
    """A domain error's status, message and details; its ``code`` detail (the code of the
    dossier or procedure concerned) goes out as ``resource``."""
    details = {k: v for k, v in error.details.items() if _json_safe(v) and k not in _RESERVED}
    if "code" in details:
        details["resource"] = details.pop("code")
    field = details.pop("field", None)
    errors = {str(field): [error.message]} if field else None
    return problem(status_of(error), error.message, code=error.code, errors=errors, **details)


def _json_safe(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict)) or value is None


# What a client did wrong, by status, when nothing more precise is known.
HTTP_DETAILS = {
    400: "Yêu cầu không đọc được (JSON hoặc tham số sai cú pháp).",
    401: "Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …).",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không có trang hoặc tài nguyên này.",
    405: "Phương thức này không được hỗ trợ ở địa chỉ này.",
    409: "Dữ liệu vừa thay đổi; vui lòng tải lại và thử lại.",
    413: "Tệp gửi lên vượt quá dung lượng cho phép.",
    415: "Kiểu nội dung không được hỗ trợ ở địa chỉ này; xem tài liệu API (/api/v1/docs).",
    422: "Dữ liệu gửi lên không hợp lệ; xem chi tiết từng trường trong errors.",
    429: "Quá nhiều yêu cầu; vui lòng thử lại sau ít phút.",
}
_WEBARGS_MESSAGES = {"Invalid JSON body.": "Nội dung không phải JSON hợp lệ."}
_LOCATIONS = {"json", "form", "files", "query", "path", "headers", "cookies", "json_or_form"}
_PASSED_HEADERS = ("Allow", "Retry-After")


def problem_from_http(error: HTTPException) -> Response:
    """An HTTP error (werkzeug, webargs, flask-smorest ``abort``) as a problem body.

    Validation messages that webargs and marshmallow attach (``messages`` or
    ``errors``) become the problem's field ``errors``, keyed by the field's
    path without the request location: ``{"applicant.name": ["Thiếu …"]}``.
    """
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    raw = data.get("errors", data.get("messages"))
    errors = field_errors(raw) if isinstance(raw, Mapping) else raw
    detail = data.get("message") or HTTP_DETAILS.get(status) or error.description or ""
    response = problem(status, str(detail), code=str(status), errors=errors or None)
    for name, value in error.get_headers():
        if name in _PASSED_HEADERS:
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: Mapping[Any, Any], prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages flattened to dotted paths (``components.0.code``)."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = str(key)
        path = f"{prefix}.{name}" if prefix else ("" if name in _LOCATIONS else name)
        if isinstance(value, Mapping):
            flat.update(field_errors(value, path))
        else:
            items = value if isinstance(value, list) else [value]
            texts = [_WEBARGS_MESSAGES.get(str(item), str(item)) for item in items]
            flat.setdefault(path or "body", []).extend(texts)
    return flat
