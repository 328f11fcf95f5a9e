"""Domain errors. The API maps each to an HTTP status in one place (api/problems.py)."""

from __future__ import annotations

__all__ = [
    "DomainError",
    "NotFound",
    "DefinitionNotFound",
    "DossierNotFound",
    "TaskNotFound",
    "UserNotFound",
    "Conflict",
    "VersionConflict",
    "TaskAlreadyCompleted",
    "TaskClaimedByOther",
    "InvalidTransition",
    "NotAuthorised",
    "InvalidCommand",
    "DecisionNotAllowed",
    "Unavailable",
    "DatabaseUnavailable",
]


class DomainError(Exception):
    """Something a caller asked for cannot be done; the message says why, in Vietnamese."""

    code = "domain_error"

    def __init__(self, message: str, **details: object):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class DefinitionNotFound(NotFound):
    code = "definition_not_found"


class DossierNotFound(NotFound):
    code = "dossier_not_found"

    @classmethod
    def of(cls, dossier_code: str) -> DossierNotFound:
        return cls(f"Không tìm thấy hồ sơ {dossier_code}.", code=dossier_code)


class TaskNotFound(NotFound):
    code = "task_not_found"


class UserNotFound(NotFound):
    code = "user_not_found"


class Unavailable(DomainError):
    """A service the request needs did not answer; nothing was done, try again later."""

    code = "unavailable"


class DatabaseUnavailable(Unavailable):
    """The database did not answer (restarting, unreachable, locked). The transaction was
    rolled back, unless the connection was lost while committing: look before retrying."""

    code = "database_unavailable"


class Conflict(DomainError):
    code = "conflict"


class VersionConflict(Conflict):
    """Someone else changed the dossier first; reload and try again."""

    code = "version_conflict"


class TaskAlreadyCompleted(Conflict):
    code = "task_already_completed"


class TaskClaimedByOther(Conflict):
    code = "task_claimed_by_other"


class InvalidTransition(Conflict):
    """The dossier is not in a status that allows this command."""

    code = "invalid_transition"


class NotAuthorised(DomainError):
    """The user's unit or role does not allow this action."""

    code = "not_authorised"


class InvalidCommand(DomainError):
    """The command's data is wrong (a missing reason, an unknown component…)."""

    code = "invalid_command"


class DecisionNotAllowed(InvalidCommand):
    code = "decision_not_allowed"
