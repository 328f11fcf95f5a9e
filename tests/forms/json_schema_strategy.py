"""Hypothesis strategies that read a JSON Schema of the shape ``to_json_schema`` produces.

hypothesis-jsonschema would do this in general, but its releases no longer run
on current Hypothesis; the e-form export uses a small subset of the keywords,
which this module interprets itself (and refuses anything else, loudly).
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from typing import Any

from hypothesis import strategies as st

_KNOWN = {
    "$schema",
    "title",
    "description",
    "type",
    "additionalProperties",
    "required",
    "properties",
    "anyOf",
    "oneOf",
    "allOf",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
}
_OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


def from_json_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    unknown = set(schema) - _KNOWN
    if unknown:
        raise NotImplementedError(f"keywords not interpreted: {sorted(unknown)}")
    if "anyOf" in schema:
        return st.one_of([from_json_schema(s) for s in schema["anyOf"]])
    if "oneOf" in schema:
        return st.one_of([from_json_schema(s) for s in schema["oneOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema)
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise NotImplementedError(f"type not interpreted: {kind}")


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", []))
    properties = schema["properties"]
    return st.fixed_dictionaries(
        {name: from_json_schema(properties[name]) for name in properties if name in required},
        optional={
            name: from_json_schema(properties[name]) for name in properties if name not in required
        },
    )


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    patterns = [schema["pattern"]] if "pattern" in schema else []
    patterns += [part["pattern"] for part in schema.get("allOf", [])]
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if schema.get("format") == "date":
        base: st.SearchStrategy[str] = st.dates().map(lambda d: d.isoformat())
    elif schema.get("format") == "date-time":
        base = st.datetimes(timezones=_OFFSETS).map(lambda d: d.isoformat(timespec="seconds"))
    elif patterns and patterns[-1] != r"\S":
        base = st.from_regex(patterns[-1])
    else:
        base = st.text(min_size=max(low, 1 if r"\S" in patterns else 0), max_size=high)
    return base.filter(
        lambda text: (
            low <= len(text) <= (high if high is not None else len(text))
            and all(re.search(pattern, text) for pattern in patterns)
        )
    )


def _number(schema: dict[str, Any]) -> st.SearchStrategy[int | float]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if schema["type"] == "integer":
        return st.integers(
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
        )
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
