"""Metadata written on BPMN elements, read as the keys of the YAML DSL.

Two spellings are understood, both naming values by their DSL key:

- our own ``motcua:`` extension elements (what ``motcua bpmn`` writes): the
  attribute names are the DSL keys (``<motcua:step unit="tu_phap" role="officer">``
  with ``<motcua:duration working_hours="4"/>``);
- Camunda Modeler's extension properties (``camunda:properties``), named by the
  DSL key path joined with dots: ``time_limit.working_days`` = ``10``,
  ``duration.working_hours`` = ``4``, ``components.1.code`` = ``TK`` (list items
  count from 1); ``legal_basis`` may be given several times.

Values are text in XML; numbers and true/false are converted by key so that
the DSL's schema judges them exactly as it judges YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from .bpmn_xml import MOTCUA, bpmn, camunda, motcua, zeebe
from .problems import did_you_mean

__all__ = [
    "Sourced",
    "PROCEDURE_KEYS",
    "STEP_KEYS",
    "GROUP_KEYS",
    "COMPONENT_KEYS",
    "typed",
    "camunda_properties",
    "procedure_extension",
    "step_extension",
    "group_extension",
    "lane_unit",
    "check_keys",
    "merge",
    "nest",
]

COMPONENT_KEYS = (
    "code",
    "name",
    "required",
    "copies",
    "original",
    "digitize",
    "reusable",
    "paper_type",
    "form",
)
PROCEDURE_KEYS = (
    "code",
    "name",
    "level",
    "field",
    "agency",
    "fee",
    "description",
    "legal_basis",
    "time_limit.working_days",
    "time_limit.working_hours",
    "clock.on_supplement",
    "clock.cutoff",
    "result.name",
    "result.electronic",
    "result.paper_type",
    "result.template",
)
STEP_KEYS = (
    "unit",
    "role",
    "form",
    "wait",
    "description",
    "duration.working_days",
    "duration.working_hours",
)
GROUP_KEYS = ("agency", "time_share.working_days", "time_share.working_hours")

_INTEGERS = {"fee", "copies"}
_NUMBERS = {"working_days", "working_hours"}
_BOOLEANS = {"wait", "required", "original", "digitize", "reusable", "electronic"}
_COMPONENT = re.compile(r"^components\.([0-9]+)\.([a-z_]+)$")


@dataclass(frozen=True)
class Sourced:
    """One value and the element it was written on."""

    key: str  # dotted DSL path, e.g. "time_limit.working_days"
    value: Any
    element: etree._Element


def typed(key: str, text: str) -> Any:
    """The text of a value as the type its DSL key expects; unchanged when it does not fit."""
    leaf = key.rsplit(".", 1)[-1]
    clean = text.strip()
    if leaf in _INTEGERS and re.fullmatch(r"-?[0-9]+", clean):
        return int(clean)
    if leaf in _NUMBERS:
        try:
            number = Decimal(clean.replace(",", "."))
        except InvalidOperation:
            return text
        return number if number.is_finite() else text
    if leaf in _BOOLEANS and clean.lower() in ("true", "false"):
        return clean.lower() == "true"
    return text


def camunda_properties(element: etree._Element) -> Iterator[Sourced]:
    """Camunda Modeler's extension properties on an element, as (dotted key, typed value).

    Camunda 7 diagrams write ``camunda:properties``, Camunda 8 ones ``zeebe:properties``.
    """
    extension = bpmn("extensionElements")
    paths = [
        f"{extension}/{camunda('properties')}/{camunda('property')}",
        f"{extension}/{zeebe('properties')}/{zeebe('property')}",
    ]
    for item in (found for path in paths for found in element.iterfind(path)):
        name = (item.get("name") or "").strip()
        value = item.get("value")
        if value is None:
            value = item.text or ""
        yield Sourced(name, typed(name, value), item)


def _extension(element: etree._Element, local: str) -> etree._Element | None:
    return element.find(f"{bpmn('extensionElements')}/{motcua(local)}")


def _attributes(element: etree._Element, prefix: str = "") -> Iterator[Sourced]:
    for name, value in element.attrib.items():
        key = f"{prefix}{name}"
        yield Sourced(key, typed(key, value), element)


def procedure_extension(process: etree._Element) -> tuple[list[Sourced], list[etree._Element]]:
    """Values of ``motcua:procedure`` and its ``motcua:inter_agency`` elements."""
    root = _extension(process, "procedure")
    if root is None:
        return [], []
    values = list(_attributes(root))
    groups: list[etree._Element] = []
    legal: list[str] = []
    components = 0
    for child in root:
        local = _motcua_local(child)
        if local in ("time_limit", "clock", "result"):
            values.extend(_attributes(child, f"{local}."))
        elif local == "legal_basis":
            legal.append(child.text or "")
        elif local == "component":
            components += 1
            values.extend(_attributes(child, f"components.{components}."))
        elif local == "inter_agency":
            groups.append(child)
        elif local is not None:
            values.append(Sourced(f"<motcua:{local}>", None, child))
    if legal:
        values.append(Sourced("legal_basis", legal, root))
    return values, groups


def group_extension(element: etree._Element) -> list[Sourced]:
    """Values of one ``motcua:inter_agency`` element (id, name, agency, time_share)."""
    values = list(_attributes(element))
    for child in element:
        local = _motcua_local(child)
        if local == "time_share":
            values.extend(_attributes(child, "time_share."))
        elif local is not None:
            values.append(Sourced(f"<motcua:{local}>", None, child))
    return values


@dataclass(frozen=True)
class StepExtension:
    values: list[Sourced]
    outcomes: list[tuple[str, str, etree._Element]]  # decision, target as written, element
    group: str | None
    block: str | None
    supplement_of: str | None


def step_extension(task: etree._Element) -> StepExtension | None:
    """``motcua:step`` (or ``motcua:supplement``) on a task, if any."""
    supplement = _extension(task, "supplement")
    if supplement is not None:
        return StepExtension([], [], None, None, supplement.get("step"))
    root = _extension(task, "step")
    if root is None:
        return None
    values = [v for v in _attributes(root) if v.key not in ("group", "block")]
    outcomes: list[tuple[str, str, etree._Element]] = []
    for child in root:
        local = _motcua_local(child)
        if local == "duration":
            values.extend(_attributes(child, "duration."))
        elif local == "outcome":
            outcomes.append((child.get("decision") or "", child.get("target") or "", child))
        elif local is not None:
            values.append(Sourced(f"<motcua:{local}>", None, child))
    return StepExtension(values, outcomes, root.get("group"), root.get("block"), None)


def lane_unit(lane: etree._Element) -> str | None:
    marked = _extension(lane, "lane")
    return marked.get("unit") if marked is not None else None


def _motcua_local(element: etree._Element) -> str | None:
    if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{MOTCUA}}}"):
        return None
    return etree.QName(element).localname


def check_keys(
    values: Iterable[Sourced], allowed: Iterable[str], where: str
) -> Iterator[tuple[etree._Element, str]]:
    """Problems for values whose key is not one the element may carry."""
    known = list(allowed)
    for value in values:
        if value.key.startswith("<motcua:"):
            yield value.element, f"{where}: unknown element {value.key}"
            continue
        component = _COMPONENT.match(value.key)
        if value.key in known or (component and component.group(2) in COMPONENT_KEYS):
            continue
        if component:
            choices = [f"components.{component.group(1)}.{k}" for k in COMPONENT_KEYS]
            hint = did_you_mean(value.key, choices)
        else:
            hint = did_you_mean(value.key, known)
        yield value.element, f"{where}: unknown property `{value.key}`{hint}"


def merge(*sources: Iterable[Sourced]) -> dict[str, Sourced]:
    """Later sources win, a whole top-level key at a time (a duration is one value)."""
    merged: dict[str, Sourced] = {}
    for source in sources:
        items = list(source)
        for top in {item.key.split(".", 1)[0] for item in items}:
            for key in [k for k in merged if k.split(".", 1)[0] == top]:
                del merged[key]
        for item in items:
            merged[item.key] = item
    return merged


def nest(values: dict[str, Sourced]) -> tuple[dict[str, Any], dict[tuple[Any, ...], Sourced]]:
    """Dotted keys as nested data, with where each path came from.

    ``components.N`` becomes item N-1 of the ``components`` list.
    """
    data: dict[str, Any] = {}
    where: dict[tuple[Any, ...], Sourced] = {}
    components: dict[int, dict[str, Any]] = {}
    for key, item in sorted(values.items(), key=lambda pair: _component_order(pair[0])):
        component = _COMPONENT.match(key)
        if component:
            index = int(component.group(1))
            components.setdefault(index, {})[component.group(2)] = item.value
            where[("components", index, component.group(2))] = item
            continue
        path = key.split(".")
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = item.value
        where[tuple(path)] = item
    if components:
        ordered = sorted(components)
        data["components"] = [components[i] for i in ordered]
        for position, index in enumerate(ordered):
            for leaf in components[index]:
                where[("components", position, leaf)] = where.pop(("components", index, leaf))
    return data, where


def _component_order(key: str) -> tuple[int, str]:
    component = _COMPONENT.match(key)
    return (int(component.group(1)), key) if component else (0, key)
