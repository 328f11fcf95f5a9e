"""Jinja filters: times in the agency's zone, Vietnamese formats."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from ..auth import engine


def install(app: Flask) -> None:
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["vnd"] = vnd
    app.jinja_env.filters["iso_local"] = iso_local


def local_time(moment: datetime | None) -> str:
    """08:15 03/02/2027 in Asia/Ho_Chi_Minh."""
    if moment is None:
        return "—"
    return moment.astimezone(engine().tz).strftime("%H:%M %d/%m/%Y")


def local_date(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(engine().tz).strftime("%d/%m/%Y")


def vnd(amount: int | None) -> str:
    """50.000 đồng."""
    if not amount:
        return "Không thu phí"
    return f"{amount:,}".replace(",", ".") + " đồng"


def iso_local(text: str | None) -> str:
    """An ISO 8601 moment as stored in history payloads and snapshots, shown like ``local``."""
    if not text:
        return "—"
    try:
        return local_time(datetime.fromisoformat(text))
    except ValueError:
        return text
