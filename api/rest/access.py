"""Who may read what through the REST API: the read rules, in one place.

- **Auditors** (role ``auditor``) read every dossier: its data, files, tasks,
  history, replay, verification and control sheet.
- **Officers** (any user with a unit) read the dossiers of the agencies their
  unit belongs to (``Organisation.belongs_to``: the unit or one of its parent
  units is the dossier's competent agency), and any dossier on which their
  unit has, or had, a task: an inter-agency hand-over or a consultation lets
  the other agency see the dossier it works on.
- **Everyone else** (an administrator or a designer without a unit) reads no
  dossier: 403.
- **Procedures** (definitions, their BPMN, e-form schemas) are read by every
  signed-in user; only designers and administrators deploy.
- **Acting** on a dossier or a task (claim, complete, withdraw…) is decided by
  the engine's commands from the task's unit and role; their refusal is a 403
  as well. Reading a dossier never implies being allowed to act on it.
- The **public lookup** shows anyone a dossier's status, dates and procedure
  name, never personal data; it is rate-limited per address.

A dossier that does not exist is a 404 before any of these rules is applied:
dossier codes are not secret (they are printed on the receipt and looked up
by the public).
"""

from __future__ import annotations

from engine.runtime.dossier_search import DossierScope
from engine.runtime.users import User
from engine.runtime.views import DossierView, TaskView

from ..auth import AuthError, engine

__all__ = [
    "AUDITOR",
    "DEPLOYERS",
    "ADMINS",
    "dossier_scope",
    "readable_dossier",
    "readable_task",
    "require_dossier_reader",
]

AUDITOR = "auditor"
DEPLOYERS = ("designer", "admin")
ADMINS = ("admin",)


def dossier_scope(user: User) -> DossierScope:
    """The dossiers ``user`` may list (see the module's rules)."""
    if AUDITOR in user.roles:
        return DossierScope()
    if user.unit_id is None:
        raise _refused()
    agencies = frozenset(unit.id for unit in engine().organisation.ancestors(user.unit_id))
    return DossierScope(agencies=agencies, unit_id=user.unit_id)


def require_dossier_reader(user: User) -> None:
    """403 for a user who can read no dossier at all."""
    dossier_scope(user)


def readable_dossier(code: str, user: User) -> DossierView:
    """The dossier, if ``user`` may read it: 404 when unknown, 403 when not theirs."""
    dossier = engine().runtime.get(code)
    if not _may_read(user, dossier.agency_id, dossier.code):
        raise _refused(code)
    return dossier


def readable_task(task_id: int, user: User) -> TaskView:
    """A task, read under the rules of its dossier."""
    task = engine().tasks.get(task_id)
    readable_dossier(task.dossier_code, user)
    return task


def _may_read(user: User, agency_id: str, code: str) -> bool:
    if AUDITOR in user.roles:
        return True
    unit = user.unit_id
    if unit is None:
        return False
    if engine().organisation.belongs_to(unit, agency_id):
        return True
    return any(task.unit_id == unit for task in engine().tasks.of_dossier(code))


def _refused(code: str | None = None) -> AuthError:
    if code is None:
        return AuthError(403, "Tài khoản này không được xem hồ sơ.")
    return AuthError(403, f"Hồ sơ {code} không thuộc cơ quan của bạn.")
