"""Hộp việc: my tasks and my unit's unclaimed tasks, due first, with counts and filters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from engine.runtime.errors import DomainError
from engine.runtime.tasks import InboxFilter

from ..auth import engine, login_required
from ..problems import status_of
from . import NAV, bp
from .common import actor, safe_next

PAGE_SIZE = 25
DUE_WINDOWS = {"": "Mọi thời hạn", "today": "Đến hạn hôm nay", "week": "Đến hạn trong tuần"}

NAV.append(("web.inbox", "Hộp việc", frozenset()))


@bp.get("/inbox")
@login_required
def inbox() -> Any:
    return _inbox_page(request.args)


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Any:
    try:
        task = engine().tasks.claim(task_id, actor())
    except DomainError as error:
        return _inbox_page(MultiDict(), error=error.message, status=status_of(error))
    flash(f"Đã nhận xử lý “{task.name}” của hồ sơ {task.dossier_code}.", "info")
    return redirect(safe_next(url_for("web.inbox")))


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Any:
    try:
        task = engine().tasks.unclaim(task_id, actor())
    except DomainError as error:
        return _inbox_page(MultiDict(), error=error.message, status=status_of(error))
    flash(f"Đã trả “{task.name}” của hồ sơ {task.dossier_code} về hàng chờ.", "info")
    return redirect(safe_next(url_for("web.inbox")))


def _inbox_page(args: Mapping[str, str], error: str | None = None, status: int = 200) -> Any:
    current = engine()
    me = actor()
    now = current.clock.now()
    where = inbox_filter(args, now, current.tz)
    mine = current.tasks.my_tasks(me, where, args.get("mine_after") or None, PAGE_SIZE)
    queue = current.tasks.unit_queue(me, where, args.get("queue_after") or None, PAGE_SIZE)
    procedures = current.repository.list_latest()
    page = render_template(
        "inbox.html",
        mine=mine,
        queue=queue,
        waiting=current.tasks.waiting(me),
        counts=current.tasks.counts(me, current.tz),
        procedures=procedures,
        procedure_names={p.code: p.name for p in procedures},
        args=args,
        windows=DUE_WINDOWS,
        now=now,
        end_of_day=_end_of_day(now, current.tz),
        error=error,
        filtered=any(args.get(k) for k in ("q", "procedure", "due", "overdue")),
    )
    return page, status


def inbox_filter(args: Mapping[str, str], now: datetime, tz: Any) -> InboxFilter:
    """The filter the inbox form asks for: procedure, due window, overdue only, search text."""
    window = args.get("due", "")
    due_before = None
    if window == "today":
        due_before = _end_of_day(now, tz)
    elif window == "week":
        end = _end_of_day(now, tz)
        due_before = end + timedelta(days=6 - now.astimezone(tz).weekday())
    return InboxFilter(
        procedure_code=args.get("procedure") or None,
        due_before=due_before,
        query=(args.get("q") or "").strip() or None,
        overdue_only=args.get("overdue") == "1",
    )


def _end_of_day(now: datetime, tz: Any) -> datetime:
    local = now.astimezone(tz) + timedelta(days=1)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
