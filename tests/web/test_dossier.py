"""Trang hồ sơ: who may read it, the coloured diagram, control sheet, history, replay, actions."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from flask.testing import FlaskClient

from engine.clock import FakeClock
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from .conftest import CITIZEN, hand_over, login, receive, text


def node_state(html: str, element_id: str) -> str:
    """The colour class of one diagram node: done, current, late or todo."""
    match = re.search(rf'<g class="node [a-z ]+ (\w+)" data-id="{re.escape(element_id)}"', html)
    assert match, f"no node {element_id}"
    return match.group(1)


def test_the_page_shows_status_deadlines_sheet_and_history(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    code = receive(engine)
    clock.advance(timedelta(minutes=30))
    hand_over(engine, code)
    login(client, "tuphap")
    page = text(client.get(f"/dossiers/{code}"))
    assert f"{code} Đang giải quyết" in page
    assert "Hẹn trả kết quả 17:00 08/12/2026" in page
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert "Tiếp nhận hồ sơ Trần Thị Thu Bộ phận Một cửa" in page  # the hand-over row
    assert "Đúng hạn" in page
    assert "Hoàn thành bước: Đồng ý Trần Thị Thu" in page  # the timeline
    assert "Trạng thái tại thời điểm" not in page  # the replay is for auditors


def test_the_diagram_colours_done_current_and_late_steps(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    code = receive(engine)
    hand_over(engine, code)
    login(client, "tuphap")
    html = client.get(f"/dossiers/{code}").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert node_state(html, "StartEvent") == "done"
    assert node_state(html, "tiep_nhan") == "done"
    assert node_state(html, "tham_dinh") == "current"
    assert node_state(html, "ky_duyet") == "todo"
    assert "Trễ hạn" in html  # the legend
    clock.advance(timedelta(days=1))
    assert node_state(client.get(f"/dossiers/{code}").get_data(as_text=True), "tham_dinh") == "late"


def test_officers_of_another_agency_may_not_read_it(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    login(client, "thue")
    response = client.get(f"/dossiers/{code}")
    assert response.status_code == 403
    assert f"Bạn không thuộc cơ quan giải quyết hồ sơ {code}." in text(response)


def test_an_unknown_code_is_not_found(client: FlaskClient) -> None:
    login(client, "tuphap")
    response = client.get("/dossiers/000.31.36.H10-261207-9999")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ 000.31.36.H10-261207-9999." in text(response)


def test_a_dossier_is_opened_by_its_code(client: FlaskClient) -> None:
    login(client, "thanhtra")
    response = client.get("/dossiers?code=+000.31.36.h10-261207-0001 ")
    assert response.headers["Location"] == "/dossiers/000.31.36.H10-261207-0001"


def test_auditors_replay_the_dossier_at_any_event(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    code = receive(engine)
    clock.advance(timedelta(minutes=30))
    hand_over(engine, code)
    login(client, "thanhtra")
    latest = text(client.get(f"/dossiers/{code}"))
    assert "Sau sự kiện thứ 2 / 2" in latest
    assert "Việc đang mở Thẩm định hồ sơ (Tư pháp - Hộ tịch" in latest
    first = client.get(f"/dossiers/{code}?at=1").get_data(as_text=True)
    assert "Việc đang mở Tiếp nhận hồ sơ (Bộ phận Một cửa" in text_of(first)
    replay = first.split('id="replay"')[1]
    assert node_state(replay, "tiep_nhan") == "current"
    assert node_state(replay, "tham_dinh") == "todo"
    assert re.search(r"#1 · [0-9a-f]{12}", first)  # event hashes for auditors


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_withdrawing_needs_a_reason(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    token = login(client, "tiepnhan")
    response = client.post(f"/dossiers/{code}/withdraw", data={"csrf_token": token})
    assert response.status_code == 422
    assert 'id="withdraw-reason-error">Phải nêu lý do.<' in response.get_data(as_text=True)
    done = client.post(
        f"/dossiers/{code}/withdraw", data={"csrf_token": token, "reason": "Công dân đề nghị"}
    )
    assert done.status_code == 302
    assert engine.runtime.get(code).status.value == "withdrawn"
    assert "Lý do rút hồ sơ Công dân đề nghị" in text(client.get(f"/dossiers/{code}"))


def test_stopping_at_the_applicants_request(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    token = login(client, "tuphap")
    response = client.post(
        f"/dossiers/{code}/stop", data={"csrf_token": token, "reason": "Đề nghị dừng"}
    )
    assert response.status_code == 302
    assert engine.runtime.get(code).status.value == "stopped"
    again = client.post(f"/dossiers/{code}/stop", data={"csrf_token": token, "reason": "x"})
    assert again.status_code == 409
    assert "đã kết thúc (Dừng xử lý)" in text(again)


def test_another_agency_cannot_act_on_it(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    token = login(client, "thue")
    response = client.post(f"/dossiers/{code}/withdraw", data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 403
    assert engine.runtime.get(code).status.value == "received"


def test_a_scan_is_downloaded_by_those_who_may_read_the_dossier(
    client: FlaskClient, engine: Engine
) -> None:
    stored = engine.files.put(io.BytesIO(b"%PDF-1.4 chung sinh"), "gcs.pdf")
    papers = [
        SubmittedComponent("TK"),
        SubmittedComponent(
            "GCS",
            file_key=stored.key,
            file_name="giấy chứng sinh.pdf",
            media_type=stored.media_type,
        ),
    ]
    officer = engine.users.get("tiepnhan").actor
    code = engine.runtime.receive("1.001193", CITIZEN, officer, components=papers).dossier_code
    assert code is not None
    scan = next(c for c in engine.runtime.components(code) if c.code == "GCS")
    url = f"/dossiers/{code}/files/{scan.id}"
    login(client, "tuphap")
    assert url in client.get(f"/dossiers/{code}").get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4 chung sinh"
    assert response.mimetype == "application/pdf"
    login(client, "thue")
    assert client.get(url).status_code == 403
