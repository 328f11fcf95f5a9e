"""Tiếp nhận: turning a submitted application into a dossier (or saying what is missing).

The "receive" event's payload is a :class:`Reception`; starting a dossier from
it is the same function live and in replay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from engine.definitions.model import Component, Procedure

from .dossier import Applicant, ApplyContext, Channel, Dossier, DossierStatus
from .errors import InvalidCommand

__all__ = [
    "SubmittedComponent",
    "Reception",
    "ReceptionOutcome",
    "missing_components",
    "start_dossier",
    "refused_dossier",
]


@dataclass(frozen=True)
class SubmittedComponent:
    """A paper handed in: its code in the definition and, when digitised, its file.

    ``reused_from`` names a paper in the applicant's data store taken instead of
    a new one; ``digitized_code`` is the code the paper has in that store.
    """

    code: str
    copies: int | None = None
    original: bool | None = None
    file_key: str | None = None
    file_name: str | None = None
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    reused_from: str | None = None
    digitized_code: str | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SubmittedComponent:
        return cls(**raw)


@dataclass(frozen=True)
class Reception:
    """Everything recorded when a dossier is received."""

    code: str
    procedure_code: str
    definition_hash: str
    applicant: Applicant
    channel: Channel
    received_by: str
    assignee_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    components: tuple[SubmittedComponent, ...] = ()
    reason: str | None = None  # a refusal at reception
    postal_item: str | None = None  # received by postal staff: the item's postal number

    def payload(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["applicant"] = self.applicant.to_dict()
        raw["channel"] = self.channel.value
        raw["components"] = [asdict(c) for c in self.components]
        return raw

    @classmethod
    def from_payload(cls, raw: dict[str, Any]) -> Reception:
        values = dict(raw)
        values["applicant"] = Applicant.from_dict(raw["applicant"])
        values["channel"] = Channel(raw["channel"])
        values["components"] = tuple(SubmittedComponent.from_dict(c) for c in raw["components"])
        return cls(**values)


@dataclass(frozen=True)
class ReceptionOutcome:
    """What reception produced: a dossier, or the list of missing papers (Mẫu 02)."""

    dossier_code: str | None
    missing: tuple[Component, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


def missing_components(
    procedure: Procedure, submitted: tuple[SubmittedComponent, ...]
) -> tuple[Component, ...]:
    """Required components not handed in; unknown codes are a mistake of the caller."""
    known = {c.code for c in procedure.components}
    for item in submitted:
        if item.code not in known:
            raise InvalidCommand(
                f"Thành phần hồ sơ “{item.code}” không có trong thủ tục {procedure.code}.",
                field="components",
                component=item.code,
            )
    given = {item.code for item in submitted}
    return tuple(c for c in procedure.components if c.required and c.code not in given)


def _new_dossier(
    reception: Reception, ctx: ApplyContext, definition: Any, definition_id: int, agency_id: str
) -> Dossier:
    return Dossier(
        code=reception.code,
        definition=definition,
        definition_id=definition_id,
        agency_id=agency_id,
        applicant=reception.applicant,
        channel=reception.channel,
        status=DossierStatus.RECEIVED,
        received_at=ctx.now,
        received_by=reception.received_by,
        data=dict(reception.data),
        outcome={"postal_reception": {"item": reception.postal_item}}
        if reception.postal_item
        else {},
    )


def start_dossier(
    reception: Reception, ctx: ApplyContext, definition: Any, definition_id: int, agency_id: str
) -> Dossier:
    """A received dossier with its appointment date and its first task open."""
    dossier = _new_dossier(reception, ctx, definition, definition_id, agency_id)
    dossier.start(ctx)
    first = dossier.definition.procedure.steps[0].id if dossier.definition.procedure.steps else None
    if reception.assignee_id is not None:
        for task in dossier.iter_open():
            if task.step_id == first:
                dossier.assign(task.key, reception.assignee_id)
    return dossier


def refused_dossier(
    reception: Reception, ctx: ApplyContext, definition: Any, definition_id: int, agency_id: str
) -> Dossier:
    """Từ chối tiếp nhận (Mẫu 03): recorded and closed at once, with its reason."""
    dossier = _new_dossier(reception, ctx, definition, definition_id, agency_id)
    dossier.outcome["refusal_reason"] = reception.reason
    dossier.outcome["refused_at_reception"] = True
    dossier.close(DossierStatus.REFUSED, ctx.now)
    return dossier
