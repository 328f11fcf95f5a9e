"""Small helpers every page uses: who is asking, the organisation, definitions, the config."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlparse

from flask import current_app, request

from engine.config import Config
from engine.definitions.executable import ExecutableDefinition
from engine.definitions.organisation import Organisation
from engine.runtime.commands import Actor
from engine.runtime.users import User

from ..auth import current_user, engine

__all__ = ["config", "user", "actor", "organisation", "unit_name", "definition", "safe_next"]


def config() -> Config:
    return cast(Config, current_app.config["MOTCUA_CONFIG"])


def user() -> User:
    """The logged-in user (views that call this are behind ``login_required``)."""
    found = current_user()
    if found is None:
        raise RuntimeError("user() called on a page that does not require login")
    return found


def actor() -> Actor:
    return user().actor


def organisation() -> Organisation:
    return engine().organisation


def unit_name(unit_id: str | None) -> str:
    """The unit's name from the organisation file; its id when it is not there."""
    if not unit_id:
        return "—"
    unit = organisation().units.get(unit_id)
    return unit.name if unit is not None else unit_id


def definition(definition_id: int) -> ExecutableDefinition:
    """A deployed definition by id (cached by the engine; rows are immutable)."""
    current = engine()
    with current.database.read() as session:
        return current.definitions.get(session, definition_id).definition


def safe_next(default: str) -> str:
    """The ``next`` field or parameter when it is a path on this site; never an open redirect."""
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return default
