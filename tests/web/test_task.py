"""Trang xử lý: the step's decisions and form, clear errors, supplement, return, apology."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from engine.runtime.commands import Actor, FireTimer
from engine.runtime.engine import Engine

from .conftest import hand_over, login, open_task, receive, text


def decide(client: FlaskClient, token: str, task_id: int, decision: str, **form: Any) -> Any:
    return client.post(
        f"/tasks/{task_id}", data={"csrf_token": token, "decision": decision, **form}
    )


def to_signing(engine: Engine, code: str) -> int:
    task_id = hand_over(engine, code)
    engine.tasks.complete(task_id, engine.users.get("tuphap").actor)
    return open_task(engine, code, "ky_duyet")


def test_the_page_shows_the_dossier_and_the_decisions_the_step_offers(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    task_id = hand_over(engine, code)
    login(client, "tuphap")
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    page = text(client.get(f"/tasks/{task_id}"))
    assert "Thẩm định hồ sơ" in page and code in page
    assert "Nguyễn Thị Hồng Nhung" in page and "079190001234" in page
    for label in ("Đồng ý, chuyển bước tiếp", "Yêu cầu bổ sung hồ sơ", "Từ chối giải quyết"):
        assert f">{label}</button>" in html
    assert "Trả lại bước trước" not in html
    assert 'data-confirm="Từ chối giải quyết cho hồ sơ' in html


def test_approving_hands_the_dossier_to_the_next_step(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    task_id = hand_over(engine, code)
    token = login(client, "tuphap")
    response = decide(client, token, task_id, "approve", reason="Hồ sơ hợp lệ")
    assert (response.status_code, response.headers["Location"]) == (302, "/inbox")
    assert [t.step_id for t in engine.runtime.get(code).open_tasks] == ["ky_duyet"]
    assert "Đã hoàn thành “Thẩm định hồ sơ”" in text(client.get("/inbox"))


def test_refusing_without_a_reason_shows_the_error_beside_the_reason(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    task_id = hand_over(engine, code)
    token = login(client, "tuphap")
    response = decide(client, token, task_id, "refuse", reason=" ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reason-error">Phải nêu lý do khi chọn “Từ chối”.<' in html
    assert engine.runtime.get(code).status.value == "processing"


def test_returning_to_the_previous_step_needs_a_reason_too(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    task_id = to_signing(engine, code)
    token = login(client, "chutich")
    assert decide(client, token, task_id, "return").status_code == 422
    response = decide(client, token, task_id, "return", reason="Sai họ tên người mẹ")
    assert response.status_code == 302
    assert [t.step_id for t in engine.runtime.get(code).open_tasks] == ["tham_dinh"]


def test_a_decision_the_step_does_not_offer_is_refused(client: FlaskClient, engine: Engine) -> None:
    task_id = hand_over(engine, receive(engine))
    token = login(client, "tuphap")
    response = decide(client, token, task_id, "return", reason="x")
    assert response.status_code == 422
    assert "Chọn một trong các quyết định của bước này." in text(response)


def test_a_supplement_request_lists_what_is_missing_and_the_dossier_waits(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    task_id = hand_over(engine, code)
    token = login(client, "tuphap")
    empty = decide(client, token, task_id, "supplement")
    assert empty.status_code == 422
    assert "Đánh dấu hoặc ghi rõ giấy tờ cần bổ sung." in text(empty)
    response = decide(
        client,
        token,
        task_id,
        "supplement",
        missing="Giấy chứng sinh",
        missing_other="Bản sao sổ hộ khẩu\n",
    )
    assert response.status_code == 302
    dossier = engine.runtime.get(code)
    assert dossier.status.value == "supplement"
    assert dossier.outcome["supplement_requests"][0]["missing"] == [
        "Giấy chứng sinh",
        "Bản sao sổ hộ khẩu",
    ]
    waiting = open_task(engine, code, "tham_dinh.supplement")
    page = text(client.get(f"/tasks/{waiting}"))
    assert "Hồ sơ đang chờ người nộp bổ sung" in page
    assert "Bản sao sổ hộ khẩu" in page
    resumed = client.post(
        f"/dossiers/{code}/resume", data={"csrf_token": token, "supplied": "Giấy chứng sinh"}
    )
    assert resumed.status_code == 302
    assert engine.runtime.get(code).status.value == "processing"


def test_the_step_form_is_validated_when_approving(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine, procedure="2.000001")
    task_id = hand_over(engine, code)
    token = login(client, "tuphap")
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "<h3>Phiếu thẩm định hồ sơ</h3>" in html and 'name="buoc__so_dang_ky"' in html
    bad = decide(client, token, task_id, "approve", buoc__so_dang_ky="125")
    assert bad.status_code == 422
    bad_html = bad.get_data(as_text=True)
    assert (
        'id="field-buoc__so_dang_ky-error">Số đăng ký có dạng số/năm, ví dụ 125/2026<' in bad_html
    )
    assert "Ngày đăng ký không được để trống" in bad_html
    good = decide(
        client,
        token,
        task_id,
        "approve",
        buoc__so_dang_ky="125/2026",
        buoc__ngay_dang_ky="2026-12-07",
    )
    assert good.status_code == 302
    completed = [e for e in engine.history.events(code) if e.command == "complete"][-1]
    assert completed.payload["form_data"] == {
        "so_dang_ky": "125/2026",
        "ngay_dang_ky": "2026-12-07",
    }


def test_refusing_does_not_need_the_step_form(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine, procedure="2.000001")
    task_id = hand_over(engine, code)
    token = login(client, "tuphap")
    response = decide(client, token, task_id, "refuse", reason="Không đủ điều kiện")
    assert response.status_code == 302
    assert engine.runtime.get(code).status.value == "refused"


def test_an_officer_of_another_unit_of_the_agency_cannot_decide(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    task_id = hand_over(engine, code)
    token = login(client, "chutich")
    assert client.get(f"/tasks/{task_id}").status_code == 200  # same agency: may read
    response = decide(client, token, task_id, "approve")
    assert response.status_code == 403
    assert "bạn không được giao xử lý" in text(response)
    assert engine.runtime.get(code).open_tasks[0].step_id == "tham_dinh"


def test_an_officer_of_another_agency_cannot_read_the_task(
    client: FlaskClient, engine: Engine
) -> None:
    task_id = hand_over(engine, receive(engine))
    login(client, "thue")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 403
    assert "Bạn không thuộc cơ quan giải quyết hồ sơ" in text(response)


def test_the_last_step_returns_the_result(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    engine.tasks.complete(to_signing(engine, code), engine.users.get("chutich").actor)
    task_id = open_task(engine, code, "tra_ket_qua")
    token = login(client, "tiepnhan")
    page = text(client.get(f"/tasks/{task_id}"))
    assert "Kết quả: Giấy khai sinh" in page
    by_post = client.post(f"/dossiers/{code}/return", data={"csrf_token": token, "method": "post"})
    assert by_post.status_code == 422
    assert "Trả qua bưu chính phải có mã vận đơn." in text(by_post)
    response = client.post(
        f"/dossiers/{code}/return",
        data={"csrf_token": token, "method": "post", "tracking_number": "EB123456789VN"},
    )
    assert response.status_code == 302
    dossier = engine.runtime.get(code)
    assert dossier.status.value == "returned"
    assert dossier.outcome["returned"]["tracking_number"] == "EB123456789VN"
    closed = text(client.get(f"/tasks/{task_id}"))
    assert "Công việc này đã hoàn thành" in closed


def test_the_apology_letter_sets_the_new_appointment_once(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    hand_over(engine, code)
    due = engine.runtime.get(code).due_at
    assert due is not None
    engine.execute(code, FireTimer("dossier_apology", None, due.isoformat()), Actor.system())
    task_id = open_task(engine, code, "xin_loi")
    token = login(client, "truongtp")
    inbox = text(client.get("/inbox"))
    assert f"{code} Nguyễn Thị Hồng Nhung Lập văn bản xin lỗi và đề nghị gia hạn (Mẫu 04)" in inbox
    form = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04)" in form
    assert "Hồ sơ đang ở bước “Thẩm định hồ sơ”" in form  # the draft reason
    missing = client.post(
        f"/tasks/{task_id}/apology", data={"csrf_token": token, "reason": "", "new_due_at": ""}
    )
    assert missing.status_code == 422
    assert "Phải nêu lý do chậm trễ." in text(missing)
    assert "Chọn ngày giờ hẹn trả kết quả mới." in text(missing)
    response = client.post(
        f"/tasks/{task_id}/apology",
        data={
            "csrf_token": token,
            "reason": "Chờ xác minh nơi sinh",
            "new_due_at": "2026-12-10T16:00",
            "number": "12/UBND",
        },
    )
    assert response.status_code == 302
    dossier = engine.runtime.get(code)
    assert dossier.apologised
    assert dossier.due_at is not None
    assert dossier.due_at.astimezone(engine.tz).strftime("%H:%M %d/%m/%Y") == "16:00 10/12/2026"
    assert "số 12/UBND, hẹn lại 16:00 10/12/2026" in text(client.get(f"/dossiers/{code}"))


def test_completing_without_the_csrf_token_is_refused(client: FlaskClient, engine: Engine) -> None:
    task_id = hand_over(engine, receive(engine))
    login(client, "tuphap")
    response = client.post(f"/tasks/{task_id}", data={"decision": "approve"})
    assert response.status_code == 403
    assert engine.tasks.get(task_id).status == "open"
