"""Who may read a dossier: the one rule every page that shows one goes through.

An officer reads the dossiers of their own agency (their unit is the agency
or sits under it in the organisation file); an officer of another agency
reads a dossier while it has an open task for their unit and role (an
inter-agency hand-over, liên thông); auditors read everything. Whether
someone may *act* on a dossier is the engine's decision, made per command.
"""

from __future__ import annotations

from engine.definitions.organisation import Organisation
from engine.runtime.errors import NotAuthorised
from engine.runtime.users import User
from engine.runtime.views import DossierView

from ..auth import engine
from .common import organisation, user

__all__ = ["AUDITOR", "can_read", "readable_dossier"]

AUDITOR = "auditor"


def can_read(reader: User, dossier: DossierView, units: Organisation) -> bool:
    if AUDITOR in reader.roles:
        return True
    if reader.unit_id is None:
        return False
    if units.belongs_to(reader.unit_id, dossier.agency_id):
        return True
    return any(reader.actor.can_work(t.unit_id, t.role) for t in dossier.open_tasks)


def readable_dossier(code: str) -> DossierView:
    """The dossier for the logged-in user, or NotAuthorised (403) / DossierNotFound (404)."""
    dossier = engine().runtime.get(code)
    if not can_read(user(), dossier, organisation()):
        raise NotAuthorised(f"Bạn không thuộc cơ quan giải quyết hồ sơ {dossier.code}.")
    return dossier
