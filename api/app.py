"""The Flask application factory: REST API under /api/v1, officer web UI, public lookup."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, Response, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from engine.config import Config, load_config
from engine.runtime.engine import Engine
from engine.runtime.errors import DatabaseUnavailable, DomainError

from . import auth
from .problems import TITLES, problem, problem_from_domain, problem_from_http, status_of

__all__ = ["create_app", "secret_key"]

log = logging.getLogger("motcua.web")
API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Build the app; without an engine, one is wired from the configuration."""
    config = config or load_config()
    if engine is None:
        from engine.bootstrap import build_engine

        engine = build_engine(config)
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config.update(
        SECRET_KEY=secret_key(config),
        MAX_CONTENT_LENGTH=config.web.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="motcua_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=10),
        JSON_AS_ASCII=False,
        MOTCUA_CONFIG=config,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["motcua.engine"] = engine
    app.extensions["motcua.login_limiter"] = auth.RateLimiter(limit=10, window=300)
    auth.install(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    app.after_request(_security_headers)
    return app


def secret_key(config: Config) -> str:
    """The configured key, or one generated once and kept in the data folder."""
    if config.web.secret_key:
        return config.web.secret_key
    path = config.path(config.paths.data) / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def _register_blueprints(app: Flask) -> None:
    from .rest import register as register_rest
    from .web import register as register_web

    register_web(app)
    register_rest(app)


def _wants_json() -> bool:
    if request.path.startswith(API_PREFIX):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(auth.AuthError)
    def on_auth_error(error: auth.AuthError) -> Any:
        if _wants_json():
            response = problem(
                error.status,
                error.detail,
                code="unauthenticated" if error.status == 401 else "forbidden",
            )
            if error.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="motcua"'
            return response
        if error.status == 401:
            return redirect(url_for("web.login", next=request.full_path))
        return _page(error.status, error.detail)

    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError) -> Any:
        if _wants_json():
            response = problem_from_domain(error)
        else:
            response = make_response(_page(status_of(error), error.message))
        if response.status_code == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Any:
        if _wants_json():
            return problem_from_http(error)
        status = error.code or 500
        return _page(status, _HTTP_DETAILS.get(status, error.description or ""))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def on_database_unavailable(error: DBAPIError) -> Any:
        """A database that did not answer is a 503 to retry, not a 500."""
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        return on_domain_error(
            DatabaseUnavailable(
                "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít giây "
                "(tải lại trang để xem thay đổi đã được ghi nhận hay chưa)."
            )
        )

    @app.errorhandler(Exception)
    def on_bug(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        detail = (
            "Đã có lỗi hệ thống; yêu cầu chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị."
        )
        if _wants_json():
            return problem(500, detail, code="internal")
        return _page(500, detail)


_HTTP_DETAILS = {
    404: "Không có trang hoặc tài nguyên này.",
    405: "Phương thức này không được hỗ trợ ở địa chỉ này.",
    413: "Tệp gửi lên vượt quá dung lượng cho phép.",
}


def _page(status: int, detail: str) -> tuple[str, int]:
    return render_template(
        "error.html", status=status, title=TITLES.get(status, "Lỗi"), detail=detail
    ), status


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(API_PREFIX) or response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
