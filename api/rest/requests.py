"""What every REST view needs from a request: the caller, the content type, bodies, uploads.

Decorators go above flask-smorest's (``@blp.arguments``, ``@blp.response``)
so that a caller without credentials gets a 401 and a wrong content type a
415 before the body is read at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, BinaryIO, NoReturn, TypeVar, cast

from flask import g, request
from flask_smorest import abort as _abort
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import FileStorage

from engine.files import FileRejected, FileTooLarge, FileTypeRefused, StoredFile
from engine.runtime.users import User

from ..auth import api_user, engine

__all__ = [
    "abort",
    "JSON",
    "MULTIPART",
    "requires",
    "caller",
    "consumes",
    "load",
    "json_document",
    "multipart_document",
    "store_upload",
]

F = TypeVar("F", bound=Callable[..., Any])
JSON = "application/json"
MULTIPART = "multipart/form-data"
NOT_JSON = "Nội dung không phải JSON hợp lệ."


def abort(status: int, **data: Any) -> NoReturn:
    """Stop with an HTTP error; ``message``, ``errors`` and ``headers`` go into the problem."""
    _abort(status, **data)
    raise AssertionError("flask_smorest.abort always raises")


def requires(*roles: str) -> Callable[[F], F]:
    """The view needs a signed-in caller (401), with one of ``roles`` when given (403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.api_caller = api_user(*roles)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def caller() -> User:
    """The user :func:`requires` let in."""
    return cast(User, g.api_caller)


def consumes(*media_types: str) -> Callable[[F], F]:
    """A request that carries a body must carry it as one of ``media_types`` (else 415)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _has_body() and request.mimetype not in media_types:
                abort(415, message=f"Gửi nội dung dạng {' hoặc '.join(media_types)}.")
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def _has_body() -> bool:
    return (
        bool(request.content_length)
        or bool(request.mimetype)
        or bool(request.headers.get("Transfer-Encoding"))
    )


def load(schema: Schema, data: Any, prefix: str = "") -> Any:
    """Validate ``data``; a 422 problem with every field error if it does not pass."""
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = error.normalized_messages()
        abort(422, messages={prefix: messages} if prefix else messages)


def json_document(text: str | bytes, where: str) -> Any:
    """Parse JSON sent as a body or as a multipart part; 400 when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        abort(400, message=NOT_JSON, errors={where: ["Sai cú pháp JSON."]})


def multipart_document(part: str) -> Any:
    """The JSON text of one multipart part (422 when the part is missing)."""
    value = request.form.get(part)
    if value is None:
        abort(422, errors={part: ["Thiếu trường bắt buộc."]})
    return json_document(value, part)


def request_document(part: str) -> Any:
    """The JSON document of a request that is either JSON or multipart (its ``part``)."""
    if request.mimetype == MULTIPART:
        return multipart_document(part)
    return json_document(request.get_data(), "body")


def uploads(skip: Iterable[str] = ()) -> list[tuple[str, FileStorage]]:
    """The uploaded files of a multipart request, with the name of the part each came in."""
    if request.mimetype != MULTIPART:
        return []
    skipped = set(skip)
    return [(name, file) for name, file in request.files.items(multi=True) if name not in skipped]


def store_upload(part: str, upload: FileStorage) -> StoredFile:
    """Store one upload (content-addressed, never overwritten); refusals become problems.

    The name it came with is cut to a safe display name (no folders, no control
    characters); the content, not the name or the declared type, decides its type.
    """
    try:
        stream = cast(BinaryIO, upload.stream)
        return engine().files.put(stream, upload.filename or part, upload.mimetype or None)
    except FileTooLarge as error:
        abort(413, message=str(error), errors={part: [str(error)]})
    except FileTypeRefused as error:
        abort(415, message=str(error), errors={part: [str(error)]})
    except FileRejected as error:
        abort(422, message=str(error), errors={part: [str(error)]})
