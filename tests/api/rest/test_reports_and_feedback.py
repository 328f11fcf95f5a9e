"""REST: reports (JSON, XLSX, DOCX), the 766 index, the rates, a dossier's forms, feedback."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from flask.testing import FlaskClient

from .conftest import APPLICANT, Auth, act, assert_problem, handed_to_justice, receive

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.postgres
def test_a_monthly_report_as_json_xlsx_and_docx(client: FlaskClient, auth: Auth) -> None:
    receive(client, auth)
    response = client.get("/api/v1/reports/monthly/2026-12", headers=auth("chutich"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"]["label"] == "Tháng 12 năm 2026"
    assert body["period"]["first_day"] == "2026-11-21"
    assert body["scope"] == {"unit": "ubnd_xa", "label": "UBND xã A"}
    assert body["total"]["received"] == 1
    assert [line["label"] for line in body["by_procedure"]] == ["Đăng ký khai sinh"]
    xlsx = client.get("/api/v1/reports/monthly/2026-12?format=xlsx", headers=auth("chutich"))
    assert xlsx.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert any(c.value == "Đăng ký khai sinh" for s in book for row in s.iter_rows() for c in row)
    by_accept = client.get(
        "/api/v1/reports/quarterly/2026-Q4", headers={**auth("thanhtra"), "Accept": DOCX}
    )
    assert by_accept.mimetype == DOCX
    assert "Quý IV năm 2026" in _document_text(by_accept.data)


def test_bad_periods_kinds_and_units_are_problems(client: FlaskClient, auth: Auth) -> None:
    headers = auth("thanhtra")
    for path in (
        "/api/v1/reports/monthly/2026-13",
        "/api/v1/reports/monthly/2026",  # a year where a month is asked
        "/api/v1/reports/yearly/1999",
        "/api/v1/reports/index766/tháng-mười",
        "/api/v1/reports/rates/2026-Q9",
    ):
        problem = assert_problem(client.get(path, headers=headers), 400)
        assert "không hợp lệ" in problem["detail"]
    assert_problem(client.get("/api/v1/reports/weekly/2026-12", headers=headers), 404)
    unknown = assert_problem(
        client.get("/api/v1/reports/rates/2026-12?unit=khong_co", headers=headers), 404
    )
    assert "khong_co" in unknown["detail"]
    assert_problem(client.get("/api/v1/reports/monthly/2026-12?format=pdf", headers=headers), 422)


def test_who_may_read_reports(client: FlaskClient, auth: Auth) -> None:
    path = "/api/v1/reports/rates/2026-12"
    assert client.get(path, headers=auth("thanhtra")).status_code == 200
    assert client.get(path, headers=auth("quantri")).status_code == 200
    assert client.get(path, headers=auth("truongtp")).get_json()["unit"] == "ubnd_xa"
    assert_problem(client.get(path, headers=auth("tuphap")), 403)
    assert_problem(client.get(path + "?unit=cuc_thue", headers=auth("chutich")), 403)
    assert client.get(path + "?unit=tu_phap", headers=auth("chutich")).status_code == 200
    assert_problem(client.get(path), 401)


@pytest.mark.postgres
def test_the_index_and_the_rates(client: FlaskClient, auth: Auth) -> None:
    receive(client, auth)
    index = client.get("/api/v1/reports/index766/2026-12", headers=auth("thanhtra")).get_json()
    kinds = [scope["kind"] for scope in index["scopes"]]
    assert kinds[0] == "all" and "unit" in kinds
    groups = index["scopes"][0]["groups"]
    assert len(groups) == 6
    statuses = {i["status"] for g in groups for i in g["indicators"]}
    assert "not_computed" in statuses
    assert index["trend"] == []
    rates = client.get("/api/v1/reports/rates/2026-12", headers=auth("thanhtra")).get_json()
    assert rates["received"] == 1
    by_name = {r["name"]: r for r in rates["rates"]}
    assert by_name["online"]["denominator"] == 1 and by_name["online"]["value"] == 0.0
    assert by_name["digitisation"]["value"] is None  # nothing finished yet
    assert by_name["digitisation"]["label"] == "Tỷ lệ hồ sơ được số hóa"


def test_a_dossier_forms_as_docx(client: FlaskClient, auth: Auth) -> None:
    incomplete = receive(client, auth)  # no address: the receipt cannot be filled
    problem = assert_problem(
        client.get(f"/api/v1/dossiers/{incomplete}/documents/01", headers=auth("tiepnhan")), 422
    )
    assert "thiếu thông tin bắt buộc “applicant.address”" in problem["detail"]
    code = receive(client, auth, applicant={**APPLICANT, "address": "Thôn 3, xã A"})
    listed = client.get(f"/api/v1/dossiers/{code}/documents", headers=auth("tiepnhan"))
    assert [f["form"] for f in listed.get_json()["forms"]] == ["01", "06"]
    receipt = client.get(f"/api/v1/dossiers/{code}/documents/01", headers=auth("tiepnhan"))
    assert receipt.mimetype == DOCX, receipt.get_data(as_text=True)
    assert code in _document_text(receipt.data)
    sheet = client.get(f"/api/v1/dossiers/{code}/documents/06", headers=auth("thanhtra"))
    assert code in _document_text(sheet.data)
    assert_problem(
        client.get(f"/api/v1/dossiers/{code}/documents/03", headers=auth("tiepnhan")), 409
    )
    assert_problem(
        client.get(f"/api/v1/dossiers/{code}/documents/07", headers=auth("tiepnhan")), 404
    )
    assert_problem(client.get(f"/api/v1/dossiers/{code}/documents/01", headers=auth("thue")), 403)
    assert_problem(
        client.get("/api/v1/dossiers/KHONG-CO/documents/01", headers=auth("thanhtra")), 404
    )


@pytest.mark.postgres
def test_rating_and_feedback_through_the_api(client: FlaskClient, auth: Auth) -> None:
    code, _task = handed_to_justice(client, auth)
    body = {"dossier_code": code, "check": APPLICANT["phone"][-4:], "value": "very_satisfied"}
    assert_problem(client.post("/api/v1/ratings", json=body), 409)  # not finished
    act(client, auth, "tiepnhan", f"/api/v1/dossiers/{code}/withdraw", {"reason": "Xin rút"})
    assert_problem(client.post("/api/v1/ratings", json={**body, "check": "0000"}), 403)
    assert_problem(client.post("/api/v1/ratings", json={**body, "value": "tuyệt"}), 422)
    rated = client.post("/api/v1/ratings", json=body)
    assert rated.status_code == 201, rated.get_json()
    assert rated.get_json()["label"] == "Rất hài lòng"
    assert_problem(client.post("/api/v1/ratings", json=body), 409)

    feedback = {
        "kind": "phan_anh",
        "subject": "Chờ lâu",
        "content": "Tôi phải chờ hai giờ.",
        "sender_name": "Lê Thị Mai",
        "dossier_code": code,
    }
    sent = client.post("/api/v1/feedback", json=feedback)
    assert sent.status_code == 201, sent.get_json()
    received = sent.get_json()
    assert received["agency_id"] == "ubnd_xa"
    assert_problem(client.post("/api/v1/feedback", json={**feedback, "subject": "x" * 301}), 422)
    assert_problem(client.post("/api/v1/feedback", json={**feedback, "dossier_code": "KHONG"}), 404)
    listed = client.get("/api/v1/feedback?open_only=true", headers=auth("tiepnhan")).get_json()
    assert [f["code"] for f in listed] == [received["code"]]
    assert client.get("/api/v1/feedback", headers=auth("thue")).get_json() == []
    assert_problem(client.get("/api/v1/feedback?agency_id=ubnd_xa", headers=auth("thue")), 403)
    answer = f"/api/v1/feedback/{received['code']}/answer"
    assert_problem(client.post(answer, json={"answer": "Xin lỗi"}, headers=auth("thue")), 403)
    answered = client.post(answer, json={"answer": "Xin lỗi ông bà."}, headers=auth("chutich"))
    assert answered.status_code == 200 and answered.get_json()["answered"] is True
    assert client.get("/api/v1/feedback/published").get_json() == []
    publish = f"/api/v1/feedback/{received['code']}/publish"
    assert client.post(publish, headers=auth("chutich")).status_code == 200
    shown = client.get("/api/v1/feedback/published").get_json()
    assert [(f["code"], f["answer"]) for f in shown] == [(received["code"], "Xin lỗi ông bà.")]
    assert "sender_name" not in shown[0]


def test_the_new_operations_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/reports/{kind}/{period}",
        "/api/v1/reports/index766/{period}",
        "/api/v1/reports/rates/{period}",
        "/api/v1/dossiers/{code}/documents/{form}",
        "/api/v1/ratings",
        "/api/v1/feedback",
        "/api/v1/feedback/published",
        "/api/v1/feedback/{code}/answer",
    ):
        assert path in paths, path
    report = paths["/api/v1/reports/{kind}/{period}"]["get"]["responses"]["200"]["content"]
    assert set(report) == {"application/json", XLSX, DOCX}
