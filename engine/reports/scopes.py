"""Which agencies a report covers, and the level each agency belongs to."""

from __future__ import annotations

from engine.definitions.organisation import Organisation
from engine.runtime.errors import NotFound

__all__ = ["agencies_under", "agency_level", "unit_names", "UnknownUnit"]


class UnknownUnit(NotFound):
    code = "unit_not_found"


def agencies_under(organisation: Organisation, unit_id: str | None) -> frozenset[str] | None:
    """Every agency inside ``unit_id`` (itself included); None means everywhere."""
    if unit_id is None:
        return None
    if unit_id not in organisation.units:
        raise UnknownUnit(f"Không có đơn vị “{unit_id}” trong sơ đồ tổ chức.", unit=unit_id)
    return frozenset(
        u.id
        for u in organisation.units.values()
        if u.is_agency and organisation.belongs_to(u.id, unit_id)
    )


def agency_level(organisation: Organisation, unit_id: str) -> str | None:
    """The administrative level (tinh, huyen, xa) of a unit: its own or its nearest parent's."""
    for unit in organisation.ancestors(unit_id):
        if unit.level is not None:
            return unit.level.value
    return None


def unit_names(organisation: Organisation) -> dict[str, str]:
    return {unit.id: unit.name for unit in organisation.units.values()}
