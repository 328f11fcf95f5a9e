"""The REST API on the app of tests/api: bearer tokens per user, dossiers received through it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.files import FileStore
from engine.runtime.engine import Engine

from ..conftest import PASSWORD

HERE = Path(__file__).resolve().parent
EFORM_PROCEDURE = HERE / "fixtures" / "khai_sinh_eform.yaml"
BIRTH = "1.001193"
EFORM_BIRTH = "9.001193"
MORE_USERS = {  # officers of other agencies, a designer, a user with no role to read dossiers
    "thue": ("Huỳnh Thị Lan", "thue_nghiep_vu", ["officer"]),
    "ngoai": ("Mai Văn Ngoại", "khong_phai_co_quan", ["officer"]),
    "thietke": ("Trương Thiết Kế", None, ["designer"]),
}
APPLICANT = {"name": "Nguyễn Thị Hồng Nhung", "id_number": "079190001234", "phone": "0905123456"}
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BIRTH_FORM = {
    "kinh_gui": "Ủy ban nhân dân xã A",
    "nguoi_yeu_cau_ho_ten": "Nguyễn Thị Hồng Nhung",
    "nguoi_yeu_cau_dinh_danh": "079190001234",
    "nguoi_yeu_cau_noi_cu_tru": "Thôn 3, xã A",
    "quan_he": "Mẹ",
    "ho_ten": "Trần Minh Khôi",
    "ngay_sinh": "2026-12-01",
    "ngay_sinh_bang_chu": "Ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu",
    "gioi_tinh": "nam",
    "dan_toc": "Kinh",
    "quoc_tich": "Việt Nam",
    "noi_sinh": "Trạm y tế xã A",
    "que_quan": "Xã A",
    "me_ho_ten": "Nguyễn Thị Hồng Nhung",
    "cam_doan": True,
}

Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def rest_engine(engine: Engine, tmp_path: Path) -> Engine:
    """The app's engine with more users, a procedure whose declaration has an e-form,
    and uploads kept in the test's own folder."""
    engine.files = FileStore(tmp_path / "uploads", 25 * 1024 * 1024)
    for username, (name, unit, roles) in MORE_USERS.items():
        engine.users.create(username, name, unit, roles, PASSWORD)
    engine.repository.deploy_paths([EFORM_PROCEDURE], forms=["to_khai_khai_sinh"])
    return engine


@pytest.fixture
def auth(rest_engine: Engine) -> Auth:
    """``auth("tuphap")``: the Authorization header of a fresh token of that user."""
    issued: dict[str, str] = {}

    def header(username: str) -> dict[str, str]:
        if username not in issued:
            issued[username] = rest_engine.tokens.create(username, "kiểm thử").secret
        return {"Authorization": f"Bearer {issued[username]}"}

    return header


def birth_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": BIRTH,
        "applicant": dict(APPLICANT),
        "components": [{"code": "TK"}, {"code": "GCS"}],
    }
    body.update(changes)
    return body


def with_scans(body: dict[str, Any]) -> dict[str, Any]:
    """The multipart form receiving ``body`` with a scan of each component it lists:
    papers to digitise must have their file before the dossier is handed over."""
    form: dict[str, Any] = {"dossier": json.dumps(body)}
    for component in body.get("components", []):
        form[component["code"]] = (io.BytesIO(PDF), f"{component['code'].lower()}.pdf")
    return form


def receive(client: FlaskClient, auth: Auth, **changes: Any) -> str:
    """A birth registration received by the one-stop desk, its papers scanned; its code."""
    response = client.post(
        "/api/v1/dossiers", data=with_scans(birth_body(**changes)), headers=auth("tiepnhan")
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["code"])


def open_task_id(client: FlaskClient, auth: Auth, code: str, step: str) -> int:
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=auth("thanhtra")).get_json()
    found = [t["id"] for t in dossier["open_tasks"] if t["step_id"] == step]
    assert len(found) == 1, dossier["open_tasks"]
    return int(found[0])


def act(
    client: FlaskClient, auth: Auth, username: str, path: str, body: Any = None
) -> TestResponse:
    """POST as ``username``: JSON when a body is given, no body otherwise."""
    if body is None:
        return client.post(path, headers=auth(username))
    return client.post(path, json=body, headers=auth(username))


def handed_to_justice(client: FlaskClient, auth: Auth) -> tuple[str, int]:
    """A dossier past reception: its code and the open `tham_dinh` task."""
    code = receive(client, auth)
    task = open_task_id(client, auth, code, "tiep_nhan")
    assert act(client, auth, "tiepnhan", f"/api/v1/tasks/{task}/complete", {}).status_code == 200
    return code, open_task_id(client, auth, code, "tham_dinh")


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"] and body["detail"]
    return dict(body)
