"""The paper-type catalogue (danh mục loại giấy tờ): the codes procedure components name.

A digitised paper's code is ``<personal or organisation identifier>.<paper type
code>`` (DOMAIN.md, digitisation at reception), so the catalogue is what lets the
engine know which papers in an applicant's data store can stand for which
component. It is a YAML file beside the procedures (``paper_types.yaml``) with a
top-level ``paper_types:`` list, checked like the organisation file:

```yaml
paper_types:
  - {code: GKS, name: "Giấy khai sinh"}
  - {code: XNTTHN, name: "Giấy xác nhận tình trạng hôn nhân", validity: {months: 6}}
```

``validity`` is how long a paper of the type stays usable after it was issued
when the paper itself gives no end date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from .model import Procedure
from .problems import DefinitionError, Problem, did_you_mean
from .schema_errors import schema_problems
from .yaml_source import Located, parse_yaml, read_text

__all__ = [
    "PAPER_TYPE_CODE",
    "PaperType",
    "PaperTypeCatalogue",
    "PAPER_TYPES_SCHEMA",
    "load_paper_types",
    "paper_types_from_text",
    "paper_type_problems",
]

PAPER_TYPE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")

PAPER_TYPES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "motcua paper-type catalogue (danh mục loại giấy tờ)",
    "type": "object",
    "required": ["paper_types"],
    "additionalProperties": False,
    "properties": {
        "paper_types": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string", "minLength": 1},
                    "validity": {
                        "type": "object",
                        "minProperties": 1,
                        "maxProperties": 1,
                        "additionalProperties": False,
                        "properties": {
                            "months": {"type": "integer", "minimum": 1},
                            "years": {"type": "integer", "minimum": 1},
                        },
                    },
                    "description": {"type": "string"},
                },
            },
        }
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(PAPER_TYPES_SCHEMA)


@dataclass(frozen=True)
class PaperType:
    """Loại giấy tờ: a kind of paper, e.g. GKS (Giấy khai sinh)."""

    code: str
    name: str
    validity_months: int | None = None  # usable this long after issue, when the paper says not


@dataclass(frozen=True)
class PaperTypeCatalogue:
    types: Mapping[str, PaperType]

    def __contains__(self, code: object) -> bool:
        return code in self.types

    def __getitem__(self, code: str) -> PaperType:
        return self.types[code]

    def __iter__(self) -> Iterator[PaperType]:
        return iter(self.types.values())

    def __len__(self) -> int:
        return len(self.types)

    def get(self, code: str | None) -> PaperType | None:
        return self.types.get(code) if code else None

    def name_of(self, code: str) -> str:
        found = self.types.get(code)
        return found.name if found else code

    @classmethod
    def of(cls, types: Iterable[PaperType]) -> PaperTypeCatalogue:
        return cls({t.code: t for t in types})


def load_paper_types(path: Path) -> PaperTypeCatalogue:
    """Read and check a catalogue file; DefinitionError lists every problem with its line."""
    return paper_types_from_text(read_text(path), str(path))


def paper_types_from_text(text: str, name: str) -> PaperTypeCatalogue:
    located = parse_yaml(text, name, expected="a paper-type catalogue (paper_types: …)")
    problems = list(schema_problems(_VALIDATOR, located, "the paper-type catalogue"))
    if problems:
        raise DefinitionError(problems)
    problems = list(_check(located))
    if problems:
        raise DefinitionError(problems)
    return PaperTypeCatalogue.of(_build(raw) for raw in located.data["paper_types"])


def _build(raw: dict[str, Any]) -> PaperType:
    validity = raw.get("validity") or {}
    months = validity.get("months") or (validity["years"] * 12 if "years" in validity else None)
    return PaperType(raw["code"], " ".join(raw["name"].split()), months)


def _check(located: Located) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, raw in enumerate(located.data["paper_types"]):
        code = raw["code"]
        where = ("paper_types", index, "code")
        if not PAPER_TYPE_CODE.match(code):
            yield located.problem(
                where,
                f"paper type `{code}`: a code is 2 to 20 capital letters or digits, "
                "starting with a letter (e.g. GKS)",
            )
        elif code in seen:
            yield located.problem(
                where, f"paper type `{code}` is listed twice (first as #{seen[code] + 1})"
            )
        else:
            seen[code] = index


def paper_type_problems(
    procedure: Procedure, located: Located, catalogue: PaperTypeCatalogue
) -> Iterator[Problem]:
    """Components and results naming a paper type the catalogue does not have."""
    known = [t.code for t in catalogue]
    for index, component in enumerate(procedure.components):
        code = component.paper_type
        if code is None and component.reusable:
            yield located.problem(
                ("components", index, "reusable"),
                f"component `{component.code}` is reusable but names no paper_type, so no "
                "stored paper can ever stand for it; add `paper_type:` from the catalogue",
            )
        elif code is not None and code not in catalogue:
            yield located.problem(
                ("components", index, "paper_type"),
                f"component `{component.code}`: paper type `{code}` is not in the "
                f"paper-type catalogue{did_you_mean(code, known)}",
            )
    result = procedure.result
    if result is not None and result.paper_type and result.paper_type not in catalogue:
        yield located.problem(
            ("result", "paper_type"),
            f"result: paper type `{result.paper_type}` is not in the paper-type "
            f"catalogue{did_you_mean(result.paper_type, known)}",
        )
