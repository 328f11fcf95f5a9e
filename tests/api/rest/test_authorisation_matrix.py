"""Every role and unit against every action on one dossier of the commune: the exact status.

The dossier belongs to UBND xã A (units mot_cua, tu_phap, lanh_dao, dia_chinh).
`thue` works for another agency, `ngoai` for a unit of no agency, `thanhtra`
is an auditor, `quantri` an administrator and designer; `None` sends no
credentials. Each cell starts from a fresh database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import APPLICANT, Auth, act, handed_to_justice, open_task_id, receive

ACTORS = (
    "tiepnhan",
    "tuphap",
    "truongtp",
    "diachinh",
    "thue",
    "ngoai",
    "thanhtra",
    "quantri",
    None,
)
READS = (
    "/api/v1/dossiers/{code}",
    "/api/v1/dossiers/{code}/components",
    "/api/v1/dossiers/{code}/tasks",
    "/api/v1/dossiers/{code}/history",
    "/api/v1/dossiers/{code}/replay",
    "/api/v1/dossiers/{code}/verify",
    "/api/v1/dossiers/{code}/control-sheet",
    "/api/v1/tasks/{task}",
)

# action: (state the dossier is put in, method, path, JSON body, status per actor in ACTORS order)
MATRIX: dict[str, tuple[str, str, str, Any, tuple[int, ...]]] = {
    "read": ("justice", "GET", "", None, (200, 200, 200, 200, 403, 403, 200, 403, 401)),
    "claim": (
        "justice", "POST", "/api/v1/tasks/{task}/claim", None,
        (403, 200, 403, 403, 403, 403, 403, 403, 401),
    ),
    "complete": (
        "justice", "POST", "/api/v1/tasks/{task}/complete", {},
        (403, 200, 403, 403, 403, 403, 403, 403, 401),
    ),
    "supplement": (
        "justice", "POST", "/api/v1/tasks/{task}/supplement", {"missing": ["Giấy chứng sinh"]},
        (403, 200, 403, 403, 403, 403, 403, 403, 401),
    ),
    "reassign": (
        "justice", "POST", "/api/v1/tasks/{task}/reassign", {"to_username": "tuphap2"},
        (403, 403, 200, 403, 403, 403, 403, 403, 401),
    ),
    "withdraw": (
        "justice", "POST", "/api/v1/dossiers/{code}/withdraw", {"reason": "Công dân xin rút"},
        (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ),
    "stop": (
        "justice", "POST", "/api/v1/dossiers/{code}/stop", {"reason": "Công dân xin dừng"},
        (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ),
    "resume": (
        "waiting", "POST", "/api/v1/dossiers/{code}/resume", {"supplied": ["GCS"]},
        (200, 200, 200, 200, 403, 403, 403, 403, 401),
    ),
    "return_result": (
        "result", "POST", "/api/v1/dossiers/{code}/return-result", {},
        (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ),
    # digitisation: the data store needs grounds (a dossier being handled, or an audit)
    "papers_handling": (
        "justice", "GET", "/api/v1/applicants/079190001234/papers?dossier={code}", None,
        (403, 200, 403, 403, 403, 403, 403, 403, 401),
    ),
    "access_log": (
        "justice", "GET", "/api/v1/applicants/079190001234/access-log?reason=Thanh tra", None,
        (403, 403, 403, 403, 403, 403, 200, 403, 401),
    ),
    "offers": (
        "justice", "GET", "/api/v1/applicants/079190001234/offers?procedure=1.001193", None,
        (200, 403, 403, 403, 403, 403, 403, 403, 401),
    ),
    "to_scan": (
        "justice", "GET", "/api/v1/dossiers/{code}/to-scan", None,
        (200, 200, 200, 200, 403, 403, 200, 403, 401),
    ),
    "sync": (
        "justice", "GET", "/api/v1/admin/sync", None,
        (403, 403, 403, 403, 403, 403, 403, 200, 401),
    ),
    "sync_retry": (
        "justice", "POST", "/api/v1/admin/sync/retry", {},
        (403, 403, 403, 403, 403, 403, 403, 200, 401),
    ),
    "report": (
        "justice", "GET", "/api/v1/reports/monthly/2026-12", None,
        (403, 403, 200, 403, 403, 403, 200, 200, 401),
    ),
    "report_xlsx": (
        "justice", "GET", "/api/v1/reports/yearly/2026?format=xlsx", None,
        (403, 403, 200, 403, 403, 403, 200, 200, 401),
    ),
    "index766": (
        "justice", "GET", "/api/v1/reports/index766/2026-Q4", None,
        (403, 403, 200, 403, 403, 403, 200, 200, 401),
    ),
    "rates": (
        "justice", "GET", "/api/v1/reports/rates/2026-12", None,
        (403, 403, 200, 403, 403, 403, 200, 200, 401),
    ),
    "document": (
        "addressed", "GET", "/api/v1/dossiers/{code}/documents/06", None,
        (200, 200, 200, 200, 403, 403, 200, 403, 401),
    ),
    "documents": (
        "justice", "GET", "/api/v1/dossiers/{code}/documents", None,
        (200, 200, 200, 200, 403, 403, 200, 403, 401),
    ),
    "feedback_list": (
        "justice", "GET", "/api/v1/feedback", None,
        (200, 200, 200, 200, 200, 403, 200, 200, 401),
    ),
    "feedback_published": (
        "justice", "GET", "/api/v1/feedback/published", None,
        (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
}  # fmt: skip


def justice(client: FlaskClient, auth: Auth) -> tuple[str, int]:
    return handed_to_justice(client, auth)


def waiting(client: FlaskClient, auth: Auth) -> tuple[str, int]:
    code, task = handed_to_justice(client, auth)
    act(client, auth, "tuphap", f"/api/v1/tasks/{task}/supplement", {"missing": ["GCS"]})
    return code, task


def result(client: FlaskClient, auth: Auth) -> tuple[str, int]:
    code, task = handed_to_justice(client, auth)
    act(client, auth, "tuphap", f"/api/v1/tasks/{task}/complete", {})
    signing = open_task_id(client, auth, code, "ky_duyet")
    act(client, auth, "chutich", f"/api/v1/tasks/{signing}/complete", {})
    return code, open_task_id(client, auth, code, "tra_ket_qua")


def addressed(client: FlaskClient, auth: Auth) -> tuple[str, int]:
    """Received with the applicant's address, which the official forms print."""
    code = receive(client, auth, applicant={**APPLICANT, "address": "Thôn 3, xã A"})
    return code, open_task_id(client, auth, code, "tiep_nhan")


STATES: dict[str, Callable[[FlaskClient, Auth], tuple[str, int]]] = {
    "justice": justice,
    "addressed": addressed,
    "waiting": waiting,
    "result": result,
}
CELLS = [
    pytest.param(action, actor, expected, id=f"{action}-{actor or 'anonymous'}")
    for action, (_state, _method, _path, _body, row) in MATRIX.items()
    for actor, expected in zip(ACTORS, row, strict=True)
]


@pytest.mark.parametrize(("action", "actor", "expected"), CELLS)
def test_each_actor_gets_exactly_the_status_of_the_matrix(
    client: FlaskClient, auth: Auth, action: str, actor: str | None, expected: int
) -> None:
    state, method, path, body, _row = MATRIX[action]
    code, task = STATES[state](client, auth)
    headers = auth(actor) if actor else {}
    paths = [p.format(code=code, task=task) for p in (READS if action == "read" else (path,))]
    for target in paths:
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        response = client.open(target, method=method, **kwargs)
        assert response.status_code == expected, (target, response.get_json())
        if expected >= 400:
            assert response.mimetype == "application/problem+json"
