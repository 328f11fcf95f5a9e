"""REST API under /api/v1 (flask-smorest): one blueprint module per area.

Each area module exposes ``blp`` (a ``flask_smorest.Blueprint``) and
``PREFIX``; add it to ``AREAS`` below. Errors leave views as domain errors,
``AuthError`` or ``flask_smorest.abort`` and become RFC 9457 problem bodies
(``application/problem+json``) in ``api.app``; schemas are marshmallow.

Authentication: a bearer token (``Authorization: Bearer mc_…``, created by an
administrator with ``motcua token create`` or ``POST /api/v1/tokens``) or the
web UI's session cookie (unsafe methods then need the ``X-CSRF-Token``
header). Who may read what is described in ``api.rest.access``.
"""

from __future__ import annotations

import http
from importlib import import_module
from typing import Any

from flask import Flask, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.routing import BaseConverter

from .schemas import ProblemSchema

__all__ = ["register", "AREAS", "API_PREFIX", "PROBLEM_JSON", "MotcuaApi"]

API_PREFIX = "/api/v1"
AREAS = (
    "health",
    "procedures",
    "dossiers",
    "history",
    "documents",
    "tasks",
    "public",
    "admin",
    "reports",
    "feedback",
    "digitisation",
)
PROBLEM_JSON = "application/problem+json"
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Mã truy cập (API token)"},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "motcua_session"},
}


class MotcuaApi(Api):
    """flask-smorest's Api, documenting every error as a problem body.

    Its own JSON error handler is not installed: ``api.app`` turns every
    HTTP error, including webargs' 400 and 422, into a problem.
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Errors are handled by the application (``api.app``), for the web UI and the API."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "Lỗi (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


class IdConverter(BaseConverter):
    """``<id:task_id>``: a row id of a BIGINT column (tasks, components), at most 18 digits."""

    regex = r"\d{1,18}"
    maximum = 10**18 - 1

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


class SmallIdConverter(IdConverter):
    """``<small_id:token_id>``: a row id of an INTEGER column (tokens, users), at most 9 digits."""

    regex = r"\d{1,9}"
    maximum = 10**9 - 1


def _id_schema(converter: BaseConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "maximum": getattr(converter, "maximum", 0)}


def register(app: Flask) -> Api:
    app.config.update(
        API_TITLE="motcua",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    spec_kwargs = {
        "info": {"description": __doc__ or ""},
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    }
    app.url_map.converters.update(id=IdConverter, small_id=SmallIdConverter)
    api = MotcuaApi(app, spec_kwargs=spec_kwargs)
    api.register_converter(IdConverter, _id_schema)
    api.register_converter(SmallIdConverter, _id_schema)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for name in AREAS:
        module = import_module(f"{__name__}.{name}")
        api.register_blueprint(module.blp, url_prefix=f"{API_PREFIX}{module.PREFIX}")
    from .docs import register as register_docs

    register_docs(app)
    app.before_request(_refuse_nul)
    app.extensions["motcua.api"] = api
    return api


def _refuse_nul() -> None:
    """A NUL character in the path or the query is never meant; PostgreSQL refuses it too."""
    if not request.path.startswith(API_PREFIX):
        return
    values = [request.path, *request.args.keys(), *request.args.values()]
    if any("\x00" in value for value in values):
        from .requests import abort

        abort(400, message="Địa chỉ hoặc tham số chứa ký tự NUL không hợp lệ.")
