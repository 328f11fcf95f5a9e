"""What a command wants said, to whom; rendered and addressed when the outbox is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Recipient", "Notification", "applicant", "user", "unit_role", "agency_role"]


@dataclass(frozen=True)
class Recipient:
    """A person, or everyone with a role in a unit or an agency, or the applicant."""

    kind: str  # user | unit_role | agency_role | applicant
    user_id: int | None = None
    unit: str | None = None
    role: str | None = None


def applicant() -> Recipient:
    return Recipient("applicant")


def user(user_id: int) -> Recipient:
    return Recipient("user", user_id=user_id)


def unit_role(unit: str, role: str) -> Recipient:
    return Recipient("unit_role", unit=unit, role=role)


def agency_role(unit: str, role: str) -> Recipient:
    """Everyone with ``role`` in the agency that ``unit`` belongs to (its leaders, say)."""
    return Recipient("agency_role", unit=unit, role=role)


@dataclass(frozen=True)
class Notification:
    template: str
    recipients: tuple[Recipient, ...]
    values: dict[str, Any] = field(default_factory=dict)
