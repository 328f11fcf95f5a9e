"""E-forms (biểu mẫu điện tử): one YAML schema drives validation, the API and the HTML form.

A form file ``forms/schemas/<name>.yaml`` lists fields (optionally grouped in
sections). From one loaded :class:`EForm`:

- :func:`to_marshmallow` builds the server-side validator: Vietnamese messages
  keyed by field name, Vietnamese text normalised to NFC;
- :func:`to_json_schema` gives the JSON Schema the API publishes; it accepts
  and rejects exactly what the marshmallow schema does (with a format checker
  for dates), because every check below is written once, as data, for both;
- :func:`field_views` describes each field neutrally for a Jinja template, and
  :func:`parse_submitted` turns an HTML form post (all strings) into the typed
  values both validators expect.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

import jsonschema
from marshmallow import Schema, ValidationError, fields

from engine.definitions.problems import DefinitionError, Problem
from engine.definitions.schema_errors import schema_problems
from engine.definitions.yaml_source import Located, parse_yaml, read_text

__all__ = [
    "FieldType",
    "FormField",
    "FormSection",
    "EForm",
    "FieldView",
    "FORM_FORMAT_SCHEMA",
    "load_form",
    "form_from_text",
    "load_forms",
    "to_marshmallow",
    "to_json_schema",
    "field_views",
    "parse_submitted",
]


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    CITIZEN_ID = "citizen_id"  # số định danh cá nhân: 12 digits
    PHONE = "phone"
    EMAIL = "email"
    TAX_CODE = "tax_code"


# --- the checks, written once for marshmallow and JSON Schema -----------------------------------

_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_NOT_BLANK = r"\S"


@dataclass(frozen=True)
class _TextRule:
    """A string type checked by a pattern, with the message for a value that does not match."""

    pattern: str
    message: str
    html_input: str
    inputmode: str | None = None


_TEXT_RULES: dict[FieldType, _TextRule] = {
    FieldType.CITIZEN_ID: _TextRule(
        r"^[0-9]{12}$", "{label} phải gồm 12 chữ số", "text", "numeric"
    ),
    # Mobile (03, 05, 07, 08, 09 + 8 digits) or landline (02 + area code, 11 digits), with 0 or +84.
    FieldType.PHONE: _TextRule(
        r"^(0|\+84)([35789][0-9]{8}|2[0-9]{9})$",
        "{label} không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678)",
        "tel",
        "tel",
    ),
    FieldType.EMAIL: _TextRule(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "{label} không phải địa chỉ thư điện tử hợp lệ", "email"
    ),
    # 10 digits, 10 digits + "-" + 3 digits (dependent units), or a 12-digit personal
    # identification number, which serves as an individual's tax code since 1 July 2025.
    FieldType.TAX_CODE: _TextRule(
        r"^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$",
        "{label} phải gồm 10 chữ số, dạng 0123456789-001 hoặc 12 chữ số định danh cá nhân",
        "text",
        "numeric",
    ),
    FieldType.DATE: _TextRule(
        _DATE_PATTERN, "{label} phải là ngày hợp lệ dạng năm-tháng-ngày (ví dụ 2025-07-01)", "date"
    ),
    FieldType.DATETIME: _TextRule(
        _DATETIME_PATTERN,
        "{label} phải là thời điểm hợp lệ có múi giờ (ví dụ 2025-07-01T08:30:00+07:00)",
        "datetime-local",
    ),
}

_TYPE_MESSAGES = {
    FieldType.TEXT: "{label} phải là văn bản",
    FieldType.TEXTAREA: "{label} phải là văn bản",
    FieldType.INTEGER: "{label} phải là số nguyên",
    FieldType.NUMBER: "{label} phải là số",
    FieldType.BOOLEAN: "{label} phải là có hoặc không",
}
_REQUIRED = "{label} không được để trống"
_MUST_TICK = "Cần đánh dấu xác nhận: {label}"
_MIN_LENGTH = "{label} phải có ít nhất {limit} ký tự"
_MAX_LENGTH = "{label} không được dài quá {limit} ký tự"
_MINIMUM = "{label} không được nhỏ hơn {limit}"
_MAXIMUM = "{label} không được lớn hơn {limit}"
_PATTERN = "{label} không đúng định dạng"
_CHOICE = "{label} phải là một trong các giá trị: {choices}"
_UNKNOWN = "Trường này không có trong biểu mẫu"
_NOT_AN_OBJECT = "Dữ liệu biểu mẫu phải là một đối tượng gồm các trường"


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """Trường: one value the applicant or officer fills in."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    help: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    choices: tuple[tuple[str, str], ...] = ()

    def message(self, template: str, **values: Any) -> str:
        return template.format(label=self.label, **values)


@dataclass(frozen=True)
class FormSection:
    """Phần: a titled group of fields, as on the paper form (untitled for a flat form)."""

    title: str | None
    fields: tuple[FormField, ...]
    description: str | None = None


@dataclass(frozen=True)
class EForm:
    """Biểu mẫu điện tử: an application or step form loaded from ``forms/schemas``."""

    name: str
    title: str
    sections: tuple[FormSection, ...]
    description: str | None = None
    legal_basis: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for section in self.sections for f in section.fields)

    def field(self, name: str) -> FormField:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


# --- the file format ----------------------------------------------------------------------------

_FIELD_NAME = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
_TEXT = {"type": "string", "minLength": 1}
_COMMON_FIELD_KEYS: dict[str, Any] = {
    "name": {**_FIELD_NAME, "description": "Tên trường in the data: lowercase, digits and _"},
    "label": {**_TEXT, "description": "Nhãn as printed on the official form"},
    "type": {"enum": [t.value for t in FieldType]},
    "required": {"type": "boolean", "description": "Bắt buộc; for boolean: must be ticked"},
    "help": {**_TEXT, "description": "Hướng dẫn shown under the input"},
}
_LENGTHS = {
    "min_length": {"type": "integer", "minimum": 0},
    "max_length": {"type": "integer", "minimum": 1},
}
_BOUNDS = {"min": {"type": "number"}, "max": {"type": "number"}}
_EXTRA_KEYS: dict[FieldType, dict[str, Any]] = {
    FieldType.TEXT: {**_LENGTHS, "pattern": _TEXT, "pattern_message": _TEXT},
    FieldType.TEXTAREA: dict(_LENGTHS),
    FieldType.INTEGER: {"min": {"type": "integer"}, "max": {"type": "integer"}},
    FieldType.NUMBER: dict(_BOUNDS),
    FieldType.CHOICE: {
        "choices": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": r"^[A-Za-z0-9_.-]+$"},
            "additionalProperties": _TEXT,
            "description": "Giá trị (a short code) → nhãn",
        }
    },
}


def _field_schema_for(field_type: FieldType) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {**_COMMON_FIELD_KEYS, **_EXTRA_KEYS.get(field_type, {})},
    }
    if field_type is FieldType.CHOICE:
        schema["required"] = ["choices"]
    return schema


_FIELDS_LIST = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}}

FORM_FORMAT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://motcua.example/schema/eform.json",
    "title": "motcua e-form schema (biểu mẫu điện tử)",
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        "title": {**_TEXT, "description": "Tên biểu mẫu, as on the official form"},
        "description": {"type": "string"},
        "legal_basis": {"type": "array", "items": _TEXT, "description": "Căn cứ pháp lý"},
        "fields": _FIELDS_LIST,
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["title", "fields"],
                "additionalProperties": False,
                "properties": {
                    "title": _TEXT,
                    "description": {"type": "string"},
                    "fields": _FIELDS_LIST,
                },
            },
        },
    },
    "$defs": {
        "field": {
            "type": "object",
            "required": ["name", "label", "type"],
            "properties": {"type": _COMMON_FIELD_KEYS["type"]},
            "allOf": [
                {
                    "if": {"properties": {"type": {"const": t.value}}, "required": ["type"]},
                    "then": _field_schema_for(t),
                }
                for t in FieldType
            ],
        }
    },
}
_FORMAT_VALIDATOR = jsonschema.Draft202012Validator(FORM_FORMAT_SCHEMA)


# --- loading ------------------------------------------------------------------------------------


def load_form(path: Path, display: str | None = None) -> EForm:
    """Load and check one form file; the form's name is the file's stem."""
    shown = display or str(path)
    return form_from_text(read_text(path, shown), shown, name=path.stem)


def form_from_text(text: str, display: str, name: str) -> EForm:
    """Parse and check a form schema; raise DefinitionError with every problem found."""
    located = parse_yaml(text, display, expected="an e-form schema")
    problems = list(schema_problems(_FORMAT_VALIDATOR, located, "an e-form schema"))
    if problems:
        raise DefinitionError(problems)
    problems = list(_consistency_problems(located))
    if problems:
        raise DefinitionError(problems)
    return _build_form(located.data, name)


def load_forms(folder: Path) -> dict[str, EForm]:
    """Every form in ``folder`` (``forms/schemas``) by name; DefinitionError lists all problems."""
    forms: dict[str, EForm] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.y*ml")):
        try:
            forms[path.stem] = load_form(path)
        except DefinitionError as error:
            problems.extend(error.problems)
    if problems:
        raise DefinitionError(problems)
    return forms


def _raw_fields(data: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for index, raw in enumerate(data.get("fields", [])):
        yield ("fields", index), raw
    for section_index, section in enumerate(data.get("sections", [])):
        for index, raw in enumerate(section["fields"]):
            yield ("sections", section_index, "fields", index), raw


def _consistency_problems(located: Located) -> Iterator[Problem]:
    data = located.data
    if ("fields" in data) == ("sections" in data):
        yield located.problem(
            (), "an e-form schema needs either `fields` or `sections` (one of the two)"
        )
    first_seen: dict[str, int] = {}
    for path, raw in _raw_fields(data):
        name = raw["name"]
        if name in first_seen:
            yield located.problem(
                (*path, "name"),
                f"field `{name}` is defined twice (first on line {first_seen[name]})",
            )
        else:
            first_seen[name] = located.where((*path, "name"))[0]
        yield from _field_problems(located, path, raw)


def _field_problems(
    located: Located, path: tuple[Any, ...], raw: dict[str, Any]
) -> Iterator[Problem]:
    name = raw["name"]
    for low, high in (("min_length", "max_length"), ("min", "max")):
        if low in raw and high in raw and raw[low] > raw[high]:
            yield located.problem(
                (*path, low),
                f"field `{name}`: `{low}` ({raw[low]}) is more than `{high}` ({raw[high]})",
            )
    if "pattern" in raw:
        try:
            re.compile(raw["pattern"])
        except re.error as error:
            yield located.problem(
                (*path, "pattern"),
                f"field `{name}`: `pattern` is not a valid regular expression ({error})",
            )
    if "pattern_message" in raw and "pattern" not in raw:
        yield located.problem(
            (*path, "pattern_message"), f"field `{name}`: `pattern_message` needs a `pattern`"
        )


def _build_form(data: Mapping[str, Any], name: str) -> EForm:
    if "sections" in data:
        sections = tuple(
            FormSection(
                title=raw["title"].strip(),
                fields=tuple(_build_field(f) for f in raw["fields"]),
                description=raw.get("description"),
            )
            for raw in data["sections"]
        )
    else:
        sections = (FormSection(None, tuple(_build_field(f) for f in data["fields"])),)
    return EForm(
        name=name,
        title=data["title"].strip(),
        sections=sections,
        description=data.get("description"),
        legal_basis=tuple(data.get("legal_basis", [])),
    )


def _build_field(raw: Mapping[str, Any]) -> FormField:
    return FormField(
        name=raw["name"],
        label=_nfc(raw["label"].strip()),
        type=FieldType(raw["type"]),
        required=raw.get("required", False),
        help=raw.get("help"),
        min_length=raw.get("min_length"),
        max_length=raw.get("max_length"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        pattern=raw.get("pattern"),
        pattern_message=raw.get("pattern_message"),
        choices=tuple((str(v), _nfc(str(label))) for v, label in raw.get("choices", {}).items()),
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- marshmallow --------------------------------------------------------------------------------


class FormValue(fields.Field):
    """One e-form field: checks the raw value exactly as the JSON Schema does, then normalises."""

    def __init__(self, spec: FormField) -> None:
        self.spec = spec
        blank = spec.message(_REQUIRED)
        super().__init__(
            required=spec.required,
            allow_none=not spec.required,
            error_messages={"required": blank, "null": blank},
            metadata={"label": spec.label},
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return _CONVERTERS[self.spec.type](self.spec, value)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        return value


def _fail(spec: FormField, template: str, **values: Any) -> ValidationError:
    return ValidationError(spec.message(template, **values))


def _text(spec: FormField, value: Any) -> str:
    rule = _TEXT_RULES.get(spec.type)
    if not isinstance(value, str):
        raise _fail(spec, rule.message if rule else _TYPE_MESSAGES[FieldType.TEXT])
    if spec.required and not re.search(_NOT_BLANK, value):
        raise _fail(spec, _REQUIRED)
    if spec.min_length is not None and len(value) < spec.min_length:
        raise _fail(spec, _MIN_LENGTH, limit=spec.min_length)
    if spec.max_length is not None and len(value) > spec.max_length:
        raise _fail(spec, _MAX_LENGTH, limit=spec.max_length)
    if rule is not None and not re.search(rule.pattern, value):
        raise _fail(spec, rule.message)
    if spec.pattern is not None and not re.search(spec.pattern, value):
        raise ValidationError(spec.pattern_message or spec.message(_PATTERN))
    return _nfc(value)


def _in_range(spec: FormField, number: int | float) -> None:
    if spec.minimum is not None and number < spec.minimum:
        raise _fail(spec, _MINIMUM, limit=_show(spec.minimum))
    if spec.maximum is not None and number > spec.maximum:
        raise _fail(spec, _MAXIMUM, limit=_show(spec.maximum))


def _integer(spec: FormField, value: Any) -> int:
    # JSON Schema counts 3.0 as an integer; so do we.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(spec, _TYPE_MESSAGES[FieldType.INTEGER])
    _in_range(spec, value)
    return value


def _number(spec: FormField, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise _fail(spec, _TYPE_MESSAGES[FieldType.NUMBER])
    if value in (float("inf"), float("-inf")):
        raise _fail(spec, _TYPE_MESSAGES[FieldType.NUMBER])
    _in_range(spec, value)
    return value


def _date(spec: FormField, value: Any) -> date:
    text = _text(spec, value)
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise _fail(spec, _TEXT_RULES[FieldType.DATE].message) from error


def _datetime(spec: FormField, value: Any) -> datetime:
    text = _text(spec, value)
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise _fail(spec, _TEXT_RULES[FieldType.DATETIME].message) from error


def _boolean(spec: FormField, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(spec, _TYPE_MESSAGES[FieldType.BOOLEAN])
    if spec.required and not value:
        raise _fail(spec, _MUST_TICK)
    return value


def _choice(spec: FormField, value: Any) -> str:
    allowed = dict(spec.choices)
    if not isinstance(value, str) or value not in allowed:
        raise _fail(spec, _CHOICE, choices=", ".join(allowed.values()))
    return value


_CONVERTERS = {
    FieldType.TEXT: _text,
    FieldType.TEXTAREA: _text,
    FieldType.INTEGER: _integer,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.BOOLEAN: _boolean,
    FieldType.CHOICE: _choice,
    FieldType.CITIZEN_ID: _text,
    FieldType.PHONE: _text,
    FieldType.EMAIL: _text,
    FieldType.TAX_CODE: _text,
}


class FormSchema(Schema):
    """Base of the schemas :func:`to_marshmallow` builds; unknown fields are errors."""

    error_messages = {"unknown": _UNKNOWN, "type": _NOT_AN_OBJECT}  # noqa: RUF012 (marshmallow API)


def to_marshmallow(form: EForm) -> type[FormSchema]:
    """A marshmallow Schema class validating a submission of ``form``.

    ``load`` returns typed values (``date``, ``datetime``, ``int``…), text in
    NFC; errors are Vietnamese messages keyed by field name.
    """
    declared: dict[str, fields.Field] = {f.name: FormValue(f) for f in form.fields}
    schema_name = "".join(part.capitalize() for part in form.name.split("_")) + "Schema"
    return cast(type[FormSchema], FormSchema.from_dict(declared, name=schema_name))


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")


# --- JSON Schema --------------------------------------------------------------------------------


def to_json_schema(form: EForm) -> dict[str, Any]:
    """The JSON Schema of a submission; validate dates with a format checker.

    It accepts and rejects the same documents as :func:`to_marshmallow`'s schema.
    """
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": form.title,
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in form.fields if f.required],
        "properties": {f.name: _property(f) for f in form.fields},
    }
    if form.description:
        schema["description"] = form.description
    return schema


def _property(spec: FormField) -> dict[str, Any]:
    value = _value_schema(spec)
    annotated: dict[str, Any] = {
        "title": spec.label,
        **({"description": spec.help} if spec.help else {}),
    }
    if spec.required:
        return {**annotated, **value}
    return {**annotated, "anyOf": [value, {"type": "null"}]}


def _value_schema(spec: FormField) -> dict[str, Any]:
    if spec.type is FieldType.INTEGER or spec.type is FieldType.NUMBER:
        return {"type": spec.type.value, **_bounds(spec)}
    if spec.type is FieldType.BOOLEAN:
        return {"type": "boolean", **({"const": True} if spec.required else {})}
    if spec.type is FieldType.CHOICE:
        return {
            "type": "string",
            "oneOf": [{"const": v, "title": label} for v, label in spec.choices],
        }
    return _string_schema(spec)


def _bounds(spec: FormField) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if spec.minimum is not None:
        bounds["minimum"] = spec.minimum
    if spec.maximum is not None:
        bounds["maximum"] = spec.maximum
    return bounds


def _string_schema(spec: FormField) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if spec.min_length is not None:
        schema["minLength"] = spec.min_length
    if spec.max_length is not None:
        schema["maxLength"] = spec.max_length
    if spec.type is FieldType.DATE:
        schema["format"] = "date"
    elif spec.type is FieldType.DATETIME:
        schema["format"] = "date-time"
    patterns = [
        *([_NOT_BLANK] if spec.required else []),
        *([_TEXT_RULES[spec.type].pattern] if spec.type in _TEXT_RULES else []),
        *([spec.pattern] if spec.pattern else []),
    ]
    if len(patterns) == 1:
        schema["pattern"] = patterns[0]
    elif patterns:
        schema["allOf"] = [{"pattern": p} for p in patterns]
    return schema


# --- HTML ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    """What a template needs to render one input, with no engine types in it."""

    name: str
    label: str
    input_type: str  # text, textarea, number, date, datetime-local, checkbox, select, tel, email
    required: bool
    section: str | None = None
    help: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: str | None = None
    pattern: str | None = None  # for the HTML attribute: anchored implicitly by browsers
    inputmode: str | None = None

    def attributes(self) -> dict[str, str | bool]:
        """HTML attributes of the input element (without value), for ``xmlattr``."""
        candidates: dict[str, Any] = {
            "name": self.name,
            "id": f"field-{self.name}",
            "required": self.required,
            "minlength": self.min_length,
            "maxlength": self.max_length,
            "min": None if self.minimum is None else _html_number(self.minimum),
            "max": None if self.maximum is None else _html_number(self.maximum),
            "step": self.step,
            "pattern": self.pattern,
            "inputmode": self.inputmode,
        }
        if self.input_type not in ("textarea", "select"):
            candidates["type"] = self.input_type
        return {k: v if isinstance(v, bool) else str(v) for k, v in candidates.items() if v}


def _html_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


_HTML_INPUTS = {
    FieldType.TEXT: "text",
    FieldType.TEXTAREA: "textarea",
    FieldType.INTEGER: "number",
    FieldType.NUMBER: "number",
    FieldType.BOOLEAN: "checkbox",
    FieldType.CHOICE: "select",
}


def field_views(form: EForm) -> list[FieldView]:
    """Every field of ``form`` in order, described for an HTML template."""
    return [_view(f, section.title) for section in form.sections for f in section.fields]


def _view(spec: FormField, section: str | None) -> FieldView:
    rule = _TEXT_RULES.get(spec.type)
    step = {FieldType.INTEGER: "1", FieldType.NUMBER: "any"}.get(spec.type)
    return FieldView(
        name=spec.name,
        label=spec.label,
        input_type=rule.html_input if rule else _HTML_INPUTS[spec.type],
        required=spec.required,
        section=section,
        help=spec.help,
        choices=spec.choices,
        min_length=spec.min_length,
        max_length=spec.max_length,
        minimum=spec.minimum,
        maximum=spec.maximum,
        step=step,
        pattern=_html_pattern(spec, rule),
        inputmode=rule.inputmode if rule else None,
    )


def _html_pattern(spec: FormField, rule: _TextRule | None) -> str | None:
    """The pattern as an HTML attribute, when it is anchored at both ends (browsers anchor it)."""
    if spec.type in (FieldType.DATE, FieldType.DATETIME, FieldType.EMAIL):
        return None  # the browser's own input type checks these
    pattern = spec.pattern or (rule.pattern if rule else None)
    if pattern and pattern.startswith("^") and pattern.endswith("$"):
        return pattern[1:-1]
    return None


def parse_submitted(form: EForm, submitted: Mapping[str, str]) -> dict[str, Any]:
    """Turn an HTML form post (every value a string) into the typed data the validators take.

    Empty inputs are left out, an unticked checkbox is ``False``, numbers that
    read as numbers become numbers (anything else stays text, for the validator
    to reject with its message), spaces inside identifiers are dropped, and a
    ``datetime-local`` value gets the Asia/Ho_Chi_Minh offset (+07:00, no DST).
    """
    data: dict[str, Any] = {}
    for spec in form.fields:
        if spec.type is FieldType.BOOLEAN:
            data[spec.name] = spec.name in submitted and submitted[spec.name] != ""
            continue
        raw = submitted.get(spec.name, "")
        if raw.strip() == "":
            continue
        data[spec.name] = _typed(spec, raw)
    return data


def _typed(spec: FormField, raw: str) -> Any:
    if spec.type in (FieldType.CITIZEN_ID, FieldType.PHONE, FieldType.TAX_CODE):
        return re.sub(r"[\s.]", "", raw)
    if spec.type is FieldType.INTEGER and re.fullmatch(r"-?[0-9]+", raw.strip()):
        return int(raw)
    if spec.type is FieldType.NUMBER:
        return _decimal_number(raw)
    if spec.type is FieldType.DATETIME and re.fullmatch(r"[0-9-]{10}T[0-9]{2}:[0-9]{2}", raw):
        return f"{raw}:00+07:00"
    return raw


def _decimal_number(raw: str) -> Any:
    text = raw.strip().replace(",", ".")  # Vietnamese decimal comma
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"-?[0-9]*\.[0-9]+", text):
        return float(text)
    return raw
