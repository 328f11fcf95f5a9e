"""Đăng nhập, đăng xuất."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import current_app, flash, redirect, render_template, request, url_for

from ..auth import RateLimiter, current_user, engine, log_in, log_out
from . import bp


@bp.get("/login")
def login() -> Any:
    if current_user() is not None:
        return redirect(_next_page())
    return render_template("login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login_submit() -> Any:
    limiter: RateLimiter = current_app.extensions["motcua.login_limiter"]
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    if not limiter.hit(request.remote_addr or "?"):
        return _login_failed("Đăng nhập sai quá nhiều lần từ máy này; thử lại sau 5 phút.", 429)
    result = engine().users.login(username, password)
    if result.locked_until is not None:
        until = result.locked_until.astimezone(engine().tz).strftime("%H:%M")
        return _login_failed(f"Tài khoản tạm khóa do nhập sai nhiều lần; thử lại sau {until}.", 403)
    if result.user is None:
        return _login_failed("Tên đăng nhập hoặc mật khẩu không đúng.", 401)
    log_in(result.user)
    return redirect(_next_page())


@bp.post("/logout")
def logout() -> Any:
    log_out()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("web.login"))


def _login_failed(message: str, status: int) -> tuple[str, int]:
    page = render_template(
        "login.html",
        error=message,
        next=request.form.get("next", ""),
        username=request.form.get("username", ""),
    )
    return page, status


def _next_page() -> str:
    """Only a path on this site: never an open redirect."""
    target = request.values.get("next", "")
    parsed = urlparse(target)
    if target.startswith("/") and not target.startswith("//") and not parsed.netloc:
        return target
    return url_for("web.home")


@bp.get("/")
def home() -> Any:
    if current_user() is None:
        return redirect(url_for("web.login"))
    inbox = current_app.view_functions.get("web.inbox")
    return redirect(url_for("web.inbox")) if inbox else render_template("home.html")
