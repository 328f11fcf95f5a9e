"""The officer web UI (server-rendered, in Vietnamese) and the public lookup page."""

from __future__ import annotations

from flask import Blueprint, Flask

from ..auth import csrf_token, current_user

__all__ = ["bp", "register", "NAV"]

bp = Blueprint("web", __name__)

# The top navigation: (endpoint, label, roles that see it; empty = every logged-in user).
# Each page module appends its entries when imported.
NAV: list[tuple[str, str, frozenset[str]]] = []
VIEW_MODULES = (
    "session_views",
    "inbox_views",
    "reception_views",
    "task_views",
    "dossier_views",
    "procedure_views",
    "public_views",
    "digitisation_views",
    "report_views",
    "document_views",
    "feedback_views",
)


def register(app: Flask) -> None:
    from importlib import import_module

    for name in VIEW_MODULES:
        import_module(f"{__name__}.{name}")  # routes and NAV entries register on import
    app.register_blueprint(bp)
    from .common import unit_name
    from .labels import channel_label, decision_label, status_label, timeliness_label

    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        current_user=current_user,
        nav_items=_nav_items,
        unit_label=unit_name,
        status_label=status_label,
        decision_label=decision_label,
        timeliness_label=timeliness_label,
        channel_label=channel_label,
    )
    from .filters import install as install_filters

    install_filters(app)


def _nav_items() -> list[tuple[str, str]]:
    user = current_user()
    if user is None:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAV if not roles or user.roles & roles]
