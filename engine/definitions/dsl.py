"""YAML procedure DSL → :class:`Procedure`, with every problem pinned to its line."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import jsonschema

from .model import (
    ClockPolicy,
    Component,
    Duration,
    InterAgency,
    Level,
    Node,
    ParallelBlock,
    Procedure,
    Result,
    Step,
    SupplementPolicy,
    TimeUnit,
)
from .problems import DefinitionError, Problem
from .schema import DSL_SCHEMA
from .schema_errors import schema_problems
from .yaml_source import Located, PathKey, parse_yaml

__all__ = ["SourceMap", "LoadedProcedure", "procedure_from_yaml", "procedure_from_data"]

_VALIDATOR = jsonschema.Draft202012Validator(DSL_SCHEMA)


@dataclass
class SourceMap:
    """Where each part of a procedure was written, for messages about it."""

    located: Located
    nodes: dict[str, PathKey] = field(default_factory=dict)
    occurrences: dict[str, list[PathKey]] = field(default_factory=dict)

    def record(self, node_id: str, path: PathKey) -> None:
        self.nodes.setdefault(node_id, path)
        self.occurrences.setdefault(node_id, []).append(path)

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        return self.located.problem(path, message, key=key)

    def at_node(self, node_id: str, message: str, suffix: tuple[Hashable, ...] = ()) -> Problem:
        base = self.nodes.get(node_id, ())
        return self.located.problem((*base, *suffix), message, key=bool(suffix))

    @property
    def file(self) -> str:
        return self.located.file


@dataclass(frozen=True)
class LoadedProcedure:
    procedure: Procedure
    source: SourceMap


def procedure_from_yaml(text: str, name: str) -> LoadedProcedure:
    """Parse and structurally validate one YAML definition; raise DefinitionError."""
    return procedure_from_data(parse_yaml(text, name))


def procedure_from_data(located: Located) -> LoadedProcedure:
    problems = list(schema_problems(_VALIDATOR, located, "a procedure definition"))
    if problems:
        raise DefinitionError(problems)
    source = SourceMap(located)
    procedure = _build_procedure(located.data, source)
    return LoadedProcedure(procedure, source)


# --- building the model ------------------------------------------------------------------------


def _duration(raw: dict[str, Any] | None) -> Duration:
    if not raw:
        return Duration.zero()
    ((unit, amount),) = raw.items()
    return Duration(Decimal(str(amount)), TimeUnit(unit))


def _build_procedure(data: dict[str, Any], source: SourceMap) -> Procedure:
    clock = data.get("clock", {})
    return Procedure(
        code=data["code"],
        name=data["name"].strip(),
        level=Level(data["level"]),
        field=data["field"].strip(),
        agency=data["agency"],
        time_limit=_duration(data["time_limit"]),
        steps=tuple(_build_node(raw, ("steps", i), source) for i, raw in enumerate(data["steps"])),
        fee=data.get("fee", 0),
        components=tuple(_build_component(raw) for raw in data.get("components", [])),
        result=_build_result(data["result"]) if "result" in data else None,
        clock=ClockPolicy(
            on_supplement=SupplementPolicy(clock.get("on_supplement", "pause")),
            cutoff=clock.get("cutoff"),
        ),
        legal_basis=tuple(data.get("legal_basis", [])),
        description=data.get("description"),
    )


def _build_node(raw: dict[str, Any], path: PathKey, source: SourceMap) -> Node:
    if "parallel" not in raw and "steps" not in raw:
        return _build_step(raw, path, source)
    source.record(raw["id"], path)
    if "parallel" in raw:
        branches = tuple(
            _build_step(b, (*path, "parallel", i), source) for i, b in enumerate(raw["parallel"])
        )
        return ParallelBlock(raw["id"], raw["name"].strip(), branches)
    steps = tuple(_build_step(s, (*path, "steps", i), source) for i, s in enumerate(raw["steps"]))
    return InterAgency(
        raw["id"], raw["name"].strip(), raw["agency"], _duration(raw["time_share"]), steps
    )


def _build_step(raw: dict[str, Any], path: PathKey, source: SourceMap) -> Step:
    source.record(raw["id"], path)
    return Step(
        id=raw["id"],
        name=raw["name"].strip(),
        unit=raw["unit"],
        role=raw["role"],
        duration=_duration(raw.get("duration")),
        outcomes=MappingProxyType(dict(raw.get("outcomes", {}))),
        form=raw.get("form"),
        wait=raw.get("wait", False),
        description=raw.get("description"),
    )


def _build_component(raw: dict[str, Any]) -> Component:
    return Component(
        code=raw["code"],
        name=raw["name"].strip(),
        required=raw.get("required", True),
        copies=raw.get("copies", 1),
        original=raw.get("original", False),
        digitize=raw.get("digitize", False),
        reusable=raw.get("reusable", False),
        paper_type=raw.get("paper_type"),
        form=raw.get("form"),
    )


def _build_result(raw: dict[str, Any]) -> Result:
    return Result(
        name=raw["name"].strip(),
        electronic=raw.get("electronic", True),
        paper_type=raw.get("paper_type"),
        template=raw.get("template"),
    )
