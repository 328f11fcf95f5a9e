"""JSON Schema of the procedure DSL: the one description of its structure.

`motcua schema` publishes it for editors; the loader validates every file
against it and turns the library's errors into plain words with positions.
Rules that span several values (reachability, time sums, units) are in
``checks.py``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DSL_SCHEMA", "SCHEMA_ID", "DECISION_NAMES", "STEP_ID_PATTERN"]

SCHEMA_ID = "https://motcua.example/schema/procedure.json"
STEP_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
DECISION_NAMES = ("approve", "return", "supplement", "refuse")


def _duration(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
        "properties": {
            "working_days": {"type": "number", "minimum": 0, "description": "Ngày làm việc"},
            "working_hours": {"type": "number", "minimum": 0, "description": "Giờ làm việc"},
        },
    }


_TEXT = {"type": "string", "minLength": 1}
_IDENTIFIER = {"type": "string", "pattern": STEP_ID_PATTERN}

_COMMON_STEP = {
    "id": {**_IDENTIFIER, "description": "Mã bước: lowercase letters, digits and _"},
    "name": {**_TEXT, "description": "Tên bước, as in the approved procedure"},
    "description": {"type": "string"},
}

_TASK_STEP = {
    "type": "object",
    "description": "A step done by a role of a unit (bước xử lý)",
    "required": ["id", "name", "unit", "role"],
    "additionalProperties": False,
    "properties": {
        **_COMMON_STEP,
        "unit": {**_TEXT, "description": "Đơn vị thực hiện: a unit id from the organisation file"},
        "role": {**_TEXT, "description": "Vai trò: a role from the organisation file"},
        "duration": _duration("Thời gian thực hiện; may be fractional, 0 for immediate steps"),
        "outcomes": {
            "type": "object",
            "description": "Decision → next step id, or SUPPLEMENT / REFUSE / END",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {name: _TEXT for name in DECISION_NAMES},
        },
        "form": {**_TEXT, "description": "Name of an e-form schema in forms/"},
        "wait": {
            "type": "boolean",
            "description": "Waiting step: the applicant acts outside the agency; the clock pauses",
        },
    },
}

_PARALLEL_STEP = {
    "type": "object",
    "description": "Consultations in parallel (xin ý kiến): every branch must finish",
    "required": ["id", "name", "parallel"],
    "additionalProperties": False,
    "properties": {
        **_COMMON_STEP,
        "parallel": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/task_step"}},
    },
}

_INTER_AGENCY_STEP = {
    "type": "object",
    "description": "Inter-agency hand-over (liên thông): steps run by another agency",
    "required": ["id", "name", "agency", "time_share", "steps"],
    "additionalProperties": False,
    "properties": {
        **_COMMON_STEP,
        "agency": {
            **_TEXT,
            "description": "The other agency: a unit id from the organisation file",
        },
        "time_share": _duration("The other agency's share of the time limit"),
        "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/task_step"}},
    },
}

DSL_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "motcua procedure definition (thủ tục hành chính và quy trình nội bộ)",
    "type": "object",
    "required": ["code", "name", "level", "field", "agency", "time_limit", "steps"],
    "additionalProperties": False,
    "properties": {
        "code": {
            "type": "string",
            "pattern": r"^[0-9]+\.[0-9]{6}(\.[0-9A-Za-z.]+)?$",
            "description": 'Mã TTHC on the national portal, in quotes: "1.001193"',
        },
        "name": {**_TEXT, "description": "Tên thủ tục"},
        "level": {"enum": ["tinh", "huyen", "xa"], "description": "Cấp thực hiện"},
        "field": {**_TEXT, "description": "Lĩnh vực"},
        "agency": {
            **_TEXT,
            "description": "Cơ quan có thẩm quyền: a unit id with an electronic id",
        },
        "time_limit": _duration("Thời hạn giải quyết"),
        "fee": {"type": "integer", "minimum": 0, "description": "Phí, lệ phí in VND; 0 if none"},
        "description": {"type": "string"},
        "legal_basis": {"type": "array", "items": _TEXT, "description": "Căn cứ pháp lý"},
        "clock": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "on_supplement": {
                    "enum": ["pause", "restart"],
                    "description": "pause: resume with the time left; restart: from zero",
                },
                "cutoff": {
                    "type": "string",
                    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                    "description": "Received after this time counts from the next working day",
                },
            },
        },
        "components": {
            "type": "array",
            "items": {
                "type": "object",
                "description": "Thành phần hồ sơ",
                "required": ["code", "name"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]+$"},
                    "name": _TEXT,
                    "required": {"type": "boolean"},
                    "copies": {"type": "integer", "minimum": 1},
                    "original": {"type": "boolean", "description": "Bản chính (true) or bản sao"},
                    "digitize": {
                        "type": "boolean",
                        "description": "Must be digitised at reception",
                    },
                    "reusable": {"type": "boolean", "description": "May come from the data store"},
                    "paper_type": {**_TEXT, "description": "Paper type code in the catalogue"},
                    "form": {**_TEXT, "description": "Name of an e-form schema in forms/"},
                },
            },
        },
        "result": {
            "type": "object",
            "description": "Kết quả giải quyết",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": _TEXT,
                "electronic": {"type": "boolean"},
                "paper_type": _TEXT,
                "template": _TEXT,
            },
        },
        "steps": {
            "type": "array",
            "minItems": 1,
            "description": "Quy trình nội bộ, in order",
            "items": {"$ref": "#/$defs/step"},
        },
    },
    "$defs": {
        "task_step": _TASK_STEP,
        "parallel_step": _PARALLEL_STEP,
        "inter_agency_step": _INTER_AGENCY_STEP,
        "step": {
            "type": "object",
            "if": {"required": ["parallel"]},
            "then": {"$ref": "#/$defs/parallel_step"},
            "else": {
                "if": {"required": ["steps"]},
                "then": {"$ref": "#/$defs/inter_agency_step"},
                "else": {"$ref": "#/$defs/task_step"},
            },
        },
    },
}
