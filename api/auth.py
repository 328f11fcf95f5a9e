"""Who is asking: a session cookie (web UI, with CSRF protection) or a bearer token (API).

Views declare what they need with :func:`login_required` (web pages: redirect
to the login page) or :func:`api_user` (REST: a 401 problem). Every unsafe
request authenticated by the session cookie must carry the CSRF token, in the
``csrf_token`` form field or the ``X-CSRF-Token`` header; bearer-token
requests carry no cookie and need none.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from engine.runtime.engine import Engine
from engine.runtime.users import User

__all__ = [
    "RateLimiter",
    "engine",
    "current_user",
    "check_csrf",
    "login_required",
    "roles_required",
    "api_user",
    "csrf_token",
    "install",
    "log_in",
    "log_out",
    "AuthError",
]

F = TypeVar("F", bound=Callable[..., Any])
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AuthError(Exception):
    """Raised inside API views; the app turns it into a 401 or 403 problem."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (an IP address, say)."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Record one event; False when the key is over its limit."""
        now = time.monotonic()
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


def engine() -> Engine:
    return cast(Engine, current_app.extensions["motcua.engine"])


def current_user() -> User | None:
    return cast(User | None, g.get("user"))


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def log_in(user: User) -> None:
    session.clear()  # a fresh session: no fixation
    session["uid"] = user.id
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    g.user = user


def log_out() -> None:
    session.clear()
    g.user = None


def login_required(view: F) -> F:
    """Web pages: anonymous visitors go to the login page and come back afterwards."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("web.login", next=request.full_path))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Web pages for some roles only (auditors, administrators, designers)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None or not user.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def api_user(*roles: str) -> User:
    """The caller of a REST view, or AuthError (401 without credentials, 403 without a role)."""
    user = current_user()
    if user is None:
        raise AuthError(401, "Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …).")
    if roles and not user.roles & set(roles):
        raise AuthError(403, f"Cần một trong các vai trò: {', '.join(roles)}.")
    return user


def install(app: Flask) -> None:
    """Identify the caller before every request and enforce CSRF on cookie sessions."""

    @app.before_request
    def identify() -> None:
        g.user = None
        g.via_token = False
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            g.user = engine().tokens.authenticate(header[7:].strip())
            g.via_token = True
            if g.user is None:
                raise AuthError(401, "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
            return
        user_id = session.get("uid")
        if isinstance(user_id, int):
            user = _active_user(user_id)
            if user is None:
                session.clear()
            g.user = user
        if request.method in UNSAFE_METHODS and session.get("uid") is not None:
            _check_csrf()


def _active_user(user_id: int) -> User | None:
    from engine.runtime.errors import UserNotFound

    try:
        user = engine().users.by_id(user_id)
    except UserNotFound:
        return None
    return user if user.active else None


def check_csrf() -> None:
    """Public forms (no login) check their CSRF field too: 403 without the session's token."""
    _check_csrf()


def _check_csrf() -> None:
    expected = session.get("csrf", "")
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), str(given)):
        raise AuthError(403, "Phiên làm việc không hợp lệ (thiếu mã CSRF); tải lại trang.")
