"""JSON Schema validation errors, said in a designer's words and pinned to a line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonschema

from .problems import Problem, did_you_mean
from .yaml_source import Located, PathKey

__all__ = ["schema_problems", "describe"]

_JSON_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "empty",
}
_ITEM_NOUNS = {
    "steps": "step",
    "parallel": "branch",
    "components": "component",
    "units": "unit",
    "paper_types": "paper type",
    "fields": "field",
    "sections": "section",
}
_IDENTIFYING_KEYS = ("id", "code", "name")


def schema_problems(
    validator: jsonschema.protocols.Validator, located: Located, what: str
) -> Iterable[Problem]:
    """Every structural problem in ``located`` as a Problem, without repeats."""
    if not isinstance(located.data, dict):
        yield located.problem(
            (), f"{what} must be a mapping of keys to values, not {describe(located.data)}"
        )
        return
    seen: set[Problem] = set()
    for error in validator.iter_errors(located.data):
        for leaf in _leaf_errors(error):
            path = tuple(leaf.absolute_path)
            for problem in _explain(leaf, path, _label(path, located.data), located):
                if problem not in seen:
                    seen.add(problem)
                    yield problem


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value}"' if len(value) < 40 else "a text"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _leaf_errors(error: jsonschema.ValidationError) -> Iterable[jsonschema.ValidationError]:
    if error.context:
        for sub in error.context:
            yield from _leaf_errors(sub)
    else:
        yield error


def _explain(
    error: jsonschema.ValidationError, path: PathKey, label: str, located: Located
) -> Iterable[Problem]:
    kind = error.validator
    value = error.instance
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed), key=str):
            hint = did_you_mean(str(key), allowed) or f"; allowed: {', '.join(allowed)}"
            yield located.problem((*path, key), f"{label}: unknown key `{key}`{hint}", key=True)
    elif kind == "required":
        missing = (
            error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        )
        yield located.problem(path, f"{label}: missing required key `{missing}`")
    elif kind == "type":
        yield located.problem(path, _type_message(label, path, error.validator_value, value))
    elif kind == "enum":
        choices = [str(c) for c in error.validator_value]
        hint = did_you_mean(str(value), choices)
        yield located.problem(
            path, f"{label}: `{value}` is not allowed; use one of {', '.join(choices)}{hint}"
        )
    elif kind == "pattern":
        yield located.problem(path, _pattern_message(label, path, value))
    elif kind == "minimum":
        yield located.problem(
            path,
            f"{label}: must not be negative (got {value})"
            if error.validator_value == 0
            else f"{label}: must be at least {error.validator_value} (got {value})",
        )
    elif kind == "minItems":
        yield located.problem(path, _min_items_message(label, path, len(value)))
    elif kind in ("minProperties", "maxProperties") and _is_duration(path):
        yield located.problem(
            path,
            f"{label}: write a duration as {{working_days: N}} "
            "or {working_hours: N}, one of the two",
        )
    elif kind in ("minProperties", "minLength"):
        yield located.problem(path, f"{label}: must not be empty")
    else:
        yield located.problem(path, f"{label}: {error.message}")


def _type_message(label: str, path: PathKey, expected: Any, value: Any) -> str:
    if path == ("code",) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f'{label}: write the procedure code in quotes, e.g. code: "1.001193" '
            f"(unquoted, YAML reads it as the number {value})"
        )
    words = (
        " or ".join(_JSON_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        if isinstance(expected, list)
        else _JSON_TYPE_WORDS.get(expected, expected)
    )
    return f"{label}: expected {words}, got {describe(value)}"


def _pattern_message(label: str, path: PathKey, value: Any) -> str:
    last = path[-1] if path else ""
    if path == ("code",):
        return f'{label}: `{value}` is not a national procedure code such as "1.001193"'
    if last in ("id", "parent", "name") or (len(path) >= 2 and path[-2] == "roles"):
        return (
            f"{label}: `{value}` is not a valid identifier; use lowercase letters, "
            "digits and _ (e.g. tham_dinh)"
        )
    if last == "cutoff":
        return f'{label}: `{value}` is not a time of day such as "15:00"'
    if last == "electronic_id":
        return (
            f"{label}: `{value}` is not an agency electronic id (QCVN 102:2016) "
            'such as "000.00.14.H56"'
        )
    return f"{label}: `{value}` has the wrong form"


def _min_items_message(label: str, path: PathKey, count: int) -> str:
    last = path[-1] if path else ""
    if last == "parallel":
        return f"{label}: a parallel block needs at least two branches (found {count})"
    if last == "steps":
        return f"{label}: needs at least one step"
    return f"{label}: needs at least one item"


def _is_duration(path: PathKey) -> bool:
    return bool(path) and path[-1] in ("duration", "time_limit", "time_share")


def _label(path: PathKey, data: Any) -> str:
    """Name the place in designer terms: ``step `tham_dinh` → duration``."""
    parts: list[str] = []
    node = data
    for element in path:
        child = _child(node, element)
        if isinstance(element, int):
            container = parts.pop() if parts else "item"
            noun = _ITEM_NOUNS.get(container, container)
            ident = _identity(child)
            parts.append(f"{noun} `{ident}`" if ident else f"{noun} #{element + 1}")
        else:
            parts.append(str(element))
        node = child
    return " → ".join(parts) if parts else "definition"


def _child(node: Any, element: Any) -> Any:
    if isinstance(node, dict):
        return node.get(element)
    if isinstance(node, list) and isinstance(element, int) and element < len(node):
        return node[element]
    return None


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _IDENTIFYING_KEYS:
            if isinstance(item.get(key), str):
                return str(item[key])
    return None
