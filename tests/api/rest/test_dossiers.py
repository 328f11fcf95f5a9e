"""Dossiers through the API: reception (JSON and multipart), reading, lists, later commands."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.clock import FakeClock
from engine.runtime.engine import Engine

from .conftest import (
    APPLICANT,
    BIRTH,
    BIRTH_FORM,
    EFORM_BIRTH,
    PDF,
    PNG,
    Auth,
    act,
    assert_problem,
    birth_body,
    handed_to_justice,
    open_task_id,
    receive,
)

pytestmark = pytest.mark.postgres


def test_a_complete_reception_is_a_201_with_the_code_and_appointment(
    client: FlaskClient, auth: Auth
) -> None:
    response = client.post("/api/v1/dossiers", json=birth_body(), headers=auth("tiepnhan"))
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "outcome": "received",
        "code": "000.31.36.H10-261207-0001",
        "status": "received",
        "status_label": "Đã tiếp nhận",
        "received_at": "2026-12-07T08:00:00+07:00",
        "due_at": "2026-12-08T17:00:00+07:00",
        "location": "/api/v1/dossiers/000.31.36.H10-261207-0001",
    }
    assert response.headers["Location"] == body["location"]


def test_an_incomplete_reception_is_a_200_with_the_missing_components(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    body = birth_body(components=[{"code": "TK"}])
    response = client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan"))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "incomplete"
    assert response.get_json()["missing"] == [{"code": "GCS", "name": "Giấy chứng sinh"}]
    assert rest_engine.runtime.codes() == []


def test_a_reception_may_be_refused_with_its_reason(client: FlaskClient, auth: Auth) -> None:
    body = birth_body(reason="Không thuộc thẩm quyền của xã")
    response = client.post("/api/v1/dossiers/refusals", json=body, headers=auth("tiepnhan"))
    assert response.status_code == 201
    assert (response.get_json()["outcome"], response.get_json()["status"]) == (
        "refused",
        "refused",
    )
    shown = client.get(response.headers["Location"], headers=auth("tiepnhan")).get_json()
    assert shown["outcome"]["refusal_reason"] == "Không thuộc thẩm quyền của xã"


def test_only_the_desk_of_the_first_step_receives(client: FlaskClient, auth: Auth) -> None:
    response = client.post("/api/v1/dossiers", json=birth_body(), headers=auth("tuphap"))
    assert_problem(response, 403)


def test_reception_data_is_checked_against_the_application_form(
    client: FlaskClient, auth: Auth
) -> None:
    form = {**BIRTH_FORM, "nguoi_yeu_cau_dinh_danh": "12345", "gioi_tinh": "khac"}
    body = birth_body(procedure_code=EFORM_BIRTH, data=form)
    problem = assert_problem(
        client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan")), 422
    )
    assert problem["errors"]["data.nguoi_yeu_cau_dinh_danh"] == [
        "Số định danh cá nhân phải gồm 12 chữ số"
    ]
    assert "data.gioi_tinh" in problem["errors"]


def test_valid_form_data_is_kept_in_nfc_with_the_dossier(client: FlaskClient, auth: Auth) -> None:
    decomposed = {**BIRTH_FORM, "ho_ten": unicodedata.normalize("NFD", "Trần Minh Khôi")}
    code = receive(client, auth, procedure_code=EFORM_BIRTH, data=decomposed)
    shown = client.get(f"/api/v1/dossiers/{code}", headers=auth("tiepnhan")).get_json()
    assert shown["data"]["ho_ten"] == unicodedata.normalize("NFC", "Trần Minh Khôi")
    assert shown["data"]["ngay_sinh"] == "2026-12-01"


def test_form_data_for_a_procedure_without_a_form_is_refused(
    client: FlaskClient, auth: Auth
) -> None:
    body = birth_body(data={"x": 1})
    problem = assert_problem(
        client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan")), 422
    )
    assert list(problem["errors"]) == ["data"]


def test_unknown_or_repeated_components_are_field_errors(client: FlaskClient, auth: Auth) -> None:
    body = birth_body(components=[{"code": "TK"}, {"code": "XYZ"}, {"code": "TK"}])
    problem = assert_problem(
        client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan")), 422
    )
    assert sorted(problem["errors"]) == ["components.1.code", "components.2.code"]


def test_a_multipart_reception_stores_each_file_with_its_component(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    data = {
        "dossier": json.dumps(birth_body(components=[{"code": "TK", "copies": 2}])),
        "TK": (io.BytesIO(PDF), "tờ khai.pdf", "application/pdf"),
        "GCS": (io.BytesIO(PNG), "giay-chung-sinh.png"),
    }
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    listed = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tuphap")).get_json()
    assert [(c["code"], c["copies"], c["file_name"], c["media_type"]) for c in listed] == [
        ("TK", 2, "tờ khai.pdf", "application/pdf"),
        ("GCS", 1, "giay-chung-sinh.png", "image/png"),
    ]
    assert all(rest_engine.files.exists(c["sha256"]) for c in listed)


def test_a_component_file_downloads_with_safe_headers(client: FlaskClient, auth: Auth) -> None:
    data = {
        "dossier": json.dumps(birth_body()),
        "TK": (io.BytesIO(PDF), "../../etc/tờ khai.pdf"),
    }
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    code = response.get_json()["code"]
    listed = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tuphap")).get_json()
    assert listed[0]["file_name"] == "tờ khai.pdf"
    assert listed[1]["download"] is None
    download = client.get(listed[0]["download"], headers=auth("tuphap"))
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''t%E1%BB%9D%20khai.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_a_file_without_an_upload_or_another_dossier_is_a_404(
    client: FlaskClient, auth: Auth
) -> None:
    created = client.post("/api/v1/dossiers", json=birth_body(), headers=auth("tiepnhan"))
    code = created.get_json()["code"]
    first = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tuphap")).get_json()
    path = f"/api/v1/dossiers/{code}/components/{first[0]['id']}/file"
    assert_problem(client.get(path, headers=auth("tuphap")), 404)
    assert_problem(
        client.get(f"/api/v1/dossiers/{code}/components/999/file", headers=auth("tuphap")), 404
    )


def test_a_dossier_shows_its_applicant_data_and_open_tasks(client: FlaskClient, auth: Auth) -> None:
    code = receive(client, auth)
    shown = client.get(f"/api/v1/dossiers/{code}", headers=auth("tuphap")).get_json()
    assert shown["applicant"]["name"] == APPLICANT["name"]
    assert (shown["procedure_code"], shown["procedure_version"]) == (BIRTH, 1)
    assert [(t["step_id"], t["assignee_id"] is not None) for t in shown["open_tasks"]] == [
        ("tiep_nhan", True)
    ]


def test_an_unknown_dossier_is_a_404_problem(client: FlaskClient, auth: Auth) -> None:
    problem = assert_problem(client.get("/api/v1/dossiers/KHONG-CO", headers=auth("tuphap")), 404)
    assert problem["resource"] == "KHONG-CO"


def test_the_list_filters_and_pages_newest_first(
    client: FlaskClient, auth: Auth, clock: FakeClock
) -> None:
    codes = []
    for name in ("Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Hoàng Đức"):
        codes.append(receive(client, auth, applicant={"name": name}))
        clock.advance(timedelta(hours=1))
    act(client, auth, "tiepnhan", f"/api/v1/dossiers/{codes[0]}/withdraw", {"reason": "Rút"})
    first = client.get("/api/v1/dossiers?limit=2", headers=auth("tuphap")).get_json()
    assert [d["code"] for d in first["items"]] == [codes[2], codes[1]]
    second = client.get(
        f"/api/v1/dossiers?limit=2&cursor={first['next_cursor']}", headers=auth("tuphap")
    ).get_json()
    assert ([d["code"] for d in second["items"]], second["next_cursor"]) == ([codes[0]], None)
    withdrawn = client.get("/api/v1/dossiers?status=withdrawn", headers=auth("tuphap"))
    assert [d["code"] for d in withdrawn.get_json()["items"]] == [codes[0]]
    window = client.get(
        "/api/v1/dossiers",
        query_string={
            "received_from": "2026-12-07T09:00:00+07:00",
            "received_before": "2026-12-07T10:00:00+07:00",
        },
        headers=auth("tuphap"),
    )
    assert [d["code"] for d in window.get_json()["items"]] == [codes[1]]


def test_the_list_search_matches_however_the_diacritics_were_typed(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth, applicant={"name": "Lê Hoàng Đức"})
    receive(client, auth, applicant={"name": "Trần Thị Mai"})
    for query in ("lê hoàng", unicodedata.normalize("NFD", "LÊ HOÀNG ĐỨC"), "le hoang duc"):
        found = client.get("/api/v1/dossiers", query_string={"q": query}, headers=auth("tuphap"))
        assert [d["code"] for d in found.get_json()["items"]] == [code], query


def test_withdraw_and_stop_need_a_reason_and_end_the_dossier(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth)
    assert_problem(act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/stop", {}), 422)
    blank = act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/stop", {"reason": "  "})
    assert_problem(blank, 422)
    stopped = act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/stop", {"reason": "Xin dừng"})
    assert (stopped.status_code, stopped.get_json()["status"]) == (200, "stopped")
    again = act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/withdraw", {"reason": "Rút"})
    assert_problem(again, 409)


def test_a_supplement_with_uploads_resumes_processing(
    client: FlaskClient, auth: Auth, clock: FakeClock
) -> None:
    code, task = handed_to_justice(client, auth)
    asked = act(
        client, auth, "tuphap", f"/api/v1/tasks/{task}/supplement", {"missing": ["Giấy chứng sinh"]}
    )
    assert asked.status_code == 200
    clock.advance(timedelta(days=1))
    data = {
        "supplement": json.dumps({"note": "Đã nộp bản chính"}),
        "GCS": (io.BytesIO(PDF), "giay-chung-sinh.pdf"),
    }
    resumed = client.post(
        f"/api/v1/dossiers/{code}/resume",
        data=data,
        headers=auth("tiepnhan"),
        content_type="multipart/form-data",
    )
    assert resumed.status_code == 200, resumed.get_json()
    assert resumed.get_json()["status"] == "processing"
    papers = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tuphap")).get_json()
    assert [(p["code"], p["supplement"]) for p in papers if p["supplement"]] == [("GCS", True)]


def test_resuming_a_dossier_that_waits_for_nothing_is_a_409(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth)
    assert_problem(act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/resume", {}), 409)


def test_a_dossier_goes_from_reception_to_the_returned_result(
    client: FlaskClient, auth: Auth
) -> None:
    code, task = handed_to_justice(client, auth)
    assert act(client, auth, "tuphap", f"/api/v1/tasks/{task}/complete", {}).status_code == 200
    signing = open_task_id(client, auth, code, "ky_duyet")
    assert act(client, auth, "chutich", f"/api/v1/tasks/{signing}/complete", {}).status_code == 200
    early = act(client, auth, "tuphap", f"/api/v1/dossiers/{code}/return-result", {})
    assert_problem(early, 403)
    by_post = act(
        client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/return-result", {"method": "post"}
    )
    assert assert_problem(by_post, 422)["errors"] == {
        "tracking_number": ["Trả qua bưu chính phải có mã vận đơn."]
    }
    returned = act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/return-result", {})
    assert (returned.status_code, returned.get_json()["status"]) == (200, "returned")
    tasks = client.get(f"/api/v1/dossiers/{code}/tasks", headers=auth("thanhtra")).get_json()
    assert [t["step_id"] for t in tasks] == ["tiep_nhan", "tham_dinh", "ky_duyet", "tra_ket_qua"]
    assert {t["status"] for t in tasks} == {"completed"}


def test_each_download_of_a_scan_is_in_the_applicants_access_log(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    code = receive(client, auth)
    listed = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tuphap")).get_json()
    scan = next(c for c in listed if c["code"] == "GCS")
    path = f"/api/v1/dossiers/{code}/components/{scan['id']}/file"
    assert client.get(path, headers=auth("tuphap")).status_code == 200
    auditor = rest_engine.users.get("thanhtra").actor
    log = rest_engine.datastore.access_log(APPLICANT["id_number"], auditor, "Kiểm tra")
    opened = [e for e in log if e.action == "open" and e.dossier_code == code]
    assert [(e.actor, e.paper_code) for e in opened] == [("tuphap", scan["digitized_code"])]
