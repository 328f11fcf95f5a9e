"""Contexts from JSON-like data (a sample file, an API body), with errors that name the field."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from forms.document_errors import InvalidContextField, MissingContextField

__all__ = ["from_data"]

T = TypeVar("T")


def from_data(cls: type[T], data: object, label: str, path: str = "") -> T:
    """Build dataclass ``cls`` from ``data``; dates and times are ISO 8601 strings with a zone."""
    if not isinstance(data, Mapping):
        raise InvalidContextField(label, path.rstrip(".") or "context", "must be an object")
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    for unknown in sorted(set(data) - names):
        raise InvalidContextField(label, path + str(unknown), "is not a field of this form")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            values[f.name] = _convert(hints[f.name], data[f.name], label, path + f.name)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise MissingContextField(label, path + f.name)
    return cls(**values)


def _convert(hint: Any, value: object, label: str, path: str) -> Any:
    if isinstance(hint, types.UnionType):
        if value is None:
            return None
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if value is None:
        raise MissingContextField(label, path)
    if is_dataclass(hint):
        return from_data(hint, value, label, path + ".")  # type: ignore[arg-type]
    if typing.get_origin(hint) is tuple:
        return _sequence(typing.get_args(hint)[0], value, label, path)
    if typing.get_origin(hint) is Mapping:
        return _expect(dict, value, label, path)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint, value, label, path)
    if hint is datetime:
        return _datetime(value, label, path)
    if hint is date:
        return _date(value, label, path)
    return _expect(hint, value, label, path)


def _sequence(item: Any, value: object, label: str, path: str) -> tuple[Any, ...]:
    items = _expect(list, value, label, path)
    return tuple(_convert(item, v, label, f"{path}[{i}]") for i, v in enumerate(items))


def _expect(kind: type, value: object, label: str, path: str) -> Any:
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise InvalidContextField(label, path, f"must be {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}
    return names.get(kind, "an object")


def _enum(kind: type[Enum], value: object, label: str, path: str) -> Enum:
    for member in kind:
        if value in (member.value, member.name, member.name.lower()):
            return member
    choices = ", ".join(f'"{m.value}"' for m in kind)
    raise InvalidContextField(label, path, f"must be one of {choices}, got {value!r}")


def _datetime(value: object, label: str, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_expect(str, value, label, path))
    except ValueError:
        raise InvalidContextField(label, path, f"is not an ISO 8601 time: {value!r}") from None
    if moment.utcoffset() is None:
        raise InvalidContextField(label, path, f"has no time zone: {value!r} (add +07:00)")
    return moment


def _date(value: object, label: str, path: str) -> date:
    try:
        return date.fromisoformat(_expect(str, value, label, path))
    except ValueError:
        raise InvalidContextField(label, path, f"is not an ISO 8601 date: {value!r}") from None
