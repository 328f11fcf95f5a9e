"""The organisation file: agencies (cơ quan), their units (đơn vị) and the roles that work steps.

Procedure definitions name units and roles; the checker verifies them here.
An agency is a unit with an electronic id (mã định danh điện tử, QCVN
102:2016): it receives dossiers and its id starts every dossier code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from .model import Level
from .problems import DefinitionError, Problem
from .schema_errors import schema_problems
from .yaml_source import Located, parse_yaml, read_text

__all__ = [
    "Unit",
    "Organisation",
    "ORGANISATION_SCHEMA",
    "load_organisation",
    "organisation_from_text",
]

_IDENTIFIER = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}

ORGANISATION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "motcua organisation file (cơ quan, đơn vị, vai trò)",
    "type": "object",
    "required": ["roles", "units"],
    "additionalProperties": False,
    "properties": {
        "roles": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": _IDENTIFIER,
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "Role id → Vietnamese title (chuyên viên, trưởng phòng, …)",
        },
        "units": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {
                    "id": _IDENTIFIER,
                    "name": {"type": "string", "minLength": 1},
                    "short_name": {"type": "string", "minLength": 1},
                    "parent": _IDENTIFIER,
                    "level": {"enum": ["tinh", "huyen", "xa"]},
                    "electronic_id": {
                        "type": "string",
                        "pattern": r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){3}$",
                    },
                    "address": {"type": "string"},
                    "phone": {"type": "string"},
                },
            },
        },
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(ORGANISATION_SCHEMA)


@dataclass(frozen=True)
class Unit:
    """Đơn vị: an agency or one of its departments."""

    id: str
    name: str
    parent: str | None = None
    level: Level | None = None
    electronic_id: str | None = None
    short_name: str | None = None
    address: str | None = None
    phone: str | None = None

    @property
    def is_agency(self) -> bool:
        return self.electronic_id is not None


@dataclass(frozen=True)
class Organisation:
    roles: Mapping[str, str]
    units: Mapping[str, Unit]

    def ancestors(self, unit_id: str) -> Iterator[Unit]:
        """The unit itself, then its parent, up to the top."""
        seen: set[str] = set()
        current = self.units.get(unit_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            yield current
            current = self.units.get(current.parent) if current.parent else None

    def agency_of(self, unit_id: str) -> Unit | None:
        """The nearest agency (unit with an electronic id) a unit belongs to."""
        return next((u for u in self.ancestors(unit_id) if u.is_agency), None)

    def belongs_to(self, unit_id: str, agency_id: str) -> bool:
        return any(u.id == agency_id for u in self.ancestors(unit_id))


def load_organisation(path: Path) -> Organisation:
    return organisation_from_text(read_text(path), str(path))


def organisation_from_text(text: str, name: str) -> Organisation:
    located = parse_yaml(text, name)
    problems = list(schema_problems(_VALIDATOR, located, "the organisation file"))
    if problems:
        raise DefinitionError(problems)
    organisation = _build(located.data)
    problems = list(_check(organisation, located))
    if problems:
        raise DefinitionError(problems)
    return organisation


def _build(data: dict[str, Any]) -> Organisation:
    units: dict[str, Unit] = {}
    for raw in data["units"]:
        units.setdefault(
            raw["id"],
            Unit(
                id=raw["id"],
                name=raw["name"].strip(),
                parent=raw.get("parent"),
                level=Level(raw["level"]) if "level" in raw else None,
                electronic_id=raw.get("electronic_id"),
                short_name=raw.get("short_name"),
                address=raw.get("address"),
                phone=raw.get("phone"),
            ),
        )
    return Organisation(roles=dict(data["roles"]), units=units)


def _check(organisation: Organisation, located: Located) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    electronic_ids: dict[str, str] = {}
    for index, raw in enumerate(located.data["units"]):
        unit_id = raw["id"]
        if unit_id in seen:
            yield located.problem(
                ("units", index, "id"),
                f"unit `{unit_id}` is defined twice (first as unit #{seen[unit_id] + 1})",
            )
            continue
        seen[unit_id] = index
        parent = raw.get("parent")
        if parent is not None and parent not in organisation.units:
            yield located.problem(
                ("units", index, "parent"), f"unit `{unit_id}`: parent `{parent}` is not a unit"
            )
        elif parent is not None and _in_cycle(organisation, unit_id):
            yield located.problem(
                ("units", index, "parent"), f"unit `{unit_id}`: its parents go round in a circle"
            )
        eid = raw.get("electronic_id")
        if eid is not None and eid in electronic_ids:
            yield located.problem(
                ("units", index, "electronic_id"),
                f"unit `{unit_id}`: electronic id {eid} is already used by `{electronic_ids[eid]}`",
            )
        elif eid is not None:
            electronic_ids[eid] = unit_id


def _in_cycle(organisation: Organisation, unit_id: str) -> bool:
    seen: set[str] = set()
    current: str | None = unit_id
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        unit = organisation.units.get(current)
        current = unit.parent if unit else None
    return False
