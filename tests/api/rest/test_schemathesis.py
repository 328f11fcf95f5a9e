"""schemathesis over the whole OpenAPI document, in-process (WSGI), with a bearer token.

Each operation gets a bounded number of generated requests, valid and
invalid; every response must be no 5xx, have a documented status and content
type, and match its documented schema. The token belongs to a user with every
role (an officer of the one-stop desk who is also auditor, administrator and
designer), so generated requests get past authorisation as far as they can.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.runtime.engine import Engine

EXAMPLES_PER_OPERATION = int(os.environ.get("MOTCUA_SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.mark.postgres
def test_every_operation_conforms_to_the_document(app: Flask, rest_engine: Engine) -> None:
    rest_engine.users.create(
        "kiemthu", "Kiểm Thử Tự Động", "mot_cua", ["officer", "auditor", "admin", "designer"]
    )
    token = rest_engine.tokens.create("kiemthu", "schemathesis").secret
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _exercise(operation, mode, headers)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing invalid to send (no inputs)
            except Exception as error:  # collected, reported together below
                failures[f"{operation.method.upper()} {operation.path} ({mode})"] = str(error)
    assert not failures, "\n\n".join(f"{name}:\n{message}" for name, message in failures.items())


def _exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
