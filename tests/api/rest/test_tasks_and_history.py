"""Tasks (inbox, claim, unclaim, reassign, complete, supplement) and history through the API."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.clock import FakeClock

from .conftest import (
    APPLICANT,
    Auth,
    act,
    assert_problem,
    handed_to_justice,
    open_task_id,
    receive,
)

pytestmark = pytest.mark.postgres


def test_the_unit_queue_then_my_tasks_after_claiming(client: FlaskClient, auth: Auth) -> None:
    code, task = handed_to_justice(client, auth)
    queue = client.get("/api/v1/tasks/queue", headers=auth("tuphap")).get_json()
    assert [(t["id"], t["dossier_code"]) for t in queue["items"]] == [(task, code)]
    claimed = act(client, auth, "tuphap", f"/api/v1/tasks/{task}/claim")
    assert claimed.get_json()["assignee_id"] is not None
    mine = client.get("/api/v1/tasks/mine", headers=auth("tuphap")).get_json()
    assert [t["id"] for t in mine["items"]] == [task]
    assert client.get("/api/v1/tasks/queue", headers=auth("tuphap")).get_json()["items"] == []
    counts = client.get("/api/v1/tasks/counts", headers=auth("tuphap")).get_json()
    assert (counts["mine"], counts["unit_queue"], counts["by_procedure"]) == (1, 0, {"1.001193": 1})


def test_inbox_filters_overdue_and_search(
    client: FlaskClient, auth: Auth, clock: FakeClock
) -> None:
    handed_to_justice(client, auth)
    found = client.get("/api/v1/tasks/queue?q=nhung", headers=auth("tuphap")).get_json()
    assert len(found["items"]) == 1
    assert (
        client.get("/api/v1/tasks/queue?overdue=true", headers=auth("tuphap")).get_json()["items"]
        == []
    )
    clock.advance(timedelta(days=2))
    late = client.get("/api/v1/tasks/queue?overdue=true", headers=auth("tuphap")).get_json()
    assert [t["overdue"] for t in late["items"]] == [True]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_inbox_search_matches_composed_and_combining_diacritics_alike(
    client: FlaskClient, auth: Auth, form: str
) -> None:
    handed_to_justice(client, auth)  # Nguyễn Thị Hồng Nhung
    named = {**APPLICANT, "name": unicodedata.normalize(form, "Lê Hoàng Đức")}
    code = receive(client, auth, applicant=named)
    task = open_task_id(client, auth, code, "tiep_nhan")
    assert act(client, auth, "tiepnhan", f"/api/v1/tasks/{task}/complete", {}).status_code == 200
    for typed in ("NFC", "NFD"):
        query = unicodedata.normalize(typed, "hoàng đức")
        found = client.get("/api/v1/tasks/queue", query_string={"q": query}, headers=auth("tuphap"))
        assert [t["dossier_code"] for t in found.get_json()["items"]] == [code], (form, typed)


def test_users_without_a_unit_have_no_inbox(client: FlaskClient, auth: Auth) -> None:
    for path in ("/api/v1/tasks/mine", "/api/v1/tasks/queue", "/api/v1/tasks/counts"):
        assert_problem(client.get(path, headers=auth("thanhtra")), 403)


def test_a_task_shows_the_decisions_its_step_offers(client: FlaskClient, auth: Auth) -> None:
    _code, task = handed_to_justice(client, auth)
    shown = client.get(f"/api/v1/tasks/{task}", headers=auth("tuphap")).get_json()
    assert (shown["step_id"], shown["decisions"]) == (
        "tham_dinh",
        ["approve", "supplement", "refuse"],
    )
    assert_problem(client.get("/api/v1/tasks/999", headers=auth("tuphap")), 404)


def test_a_task_claimed_by_a_colleague_cannot_be_taken_or_completed(
    client: FlaskClient, auth: Auth
) -> None:
    _code, task = handed_to_justice(client, auth)
    act(client, auth, "tuphap", f"/api/v1/tasks/{task}/claim")
    assert_problem(act(client, auth, "tuphap2", f"/api/v1/tasks/{task}/claim"), 409)
    assert_problem(act(client, auth, "tuphap2", f"/api/v1/tasks/{task}/complete", {}), 409)
    assert_problem(act(client, auth, "tuphap2", f"/api/v1/tasks/{task}/unclaim"), 403)


def test_the_head_of_the_unit_reassigns_and_unclaims(client: FlaskClient, auth: Auth) -> None:
    _code, task = handed_to_justice(client, auth)
    act(client, auth, "tuphap", f"/api/v1/tasks/{task}/claim")
    moved = act(
        client,
        auth,
        "truongtp",
        f"/api/v1/tasks/{task}/reassign",
        {"to_username": "tuphap2", "reason": "Cân đối công việc"},
    )
    assert moved.status_code == 200
    outsider = act(
        client, auth, "truongtp", f"/api/v1/tasks/{task}/reassign", {"to_username": "diachinh"}
    )
    assert "to_username" in assert_problem(outsider, 422)["errors"]
    nobody = act(
        client, auth, "truongtp", f"/api/v1/tasks/{task}/reassign", {"to_username": "khong-co"}
    )
    assert_problem(nobody, 404)
    back = act(client, auth, "truongtp", f"/api/v1/tasks/{task}/unclaim")
    assert back.get_json()["assignee_id"] is None


def test_complete_checks_the_decision_and_its_reason(client: FlaskClient, auth: Auth) -> None:
    _code, task = handed_to_justice(client, auth)
    path = f"/api/v1/tasks/{task}/complete"
    unknown = act(client, auth, "tuphap", path, {"decision": "maybe"})
    assert "decision" in assert_problem(unknown, 422)["errors"]
    not_offered = act(client, auth, "tuphap", path, {"decision": "return", "reason": "Sai"})
    assert assert_problem(not_offered, 422)["allowed"] == ["approve", "supplement", "refuse"]
    no_reason = act(client, auth, "tuphap", path, {"decision": "refuse"})
    assert list(assert_problem(no_reason, 422)["errors"]) == ["reason"]
    refused = act(
        client, auth, "tuphap", path, {"decision": "refuse", "reason": "Không đủ điều kiện"}
    )
    assert (refused.status_code, refused.get_json()["decision"]) == (200, "refuse")
    assert_problem(act(client, auth, "tuphap", path, {}), 409)


def test_a_supplement_request_lists_what_is_missing(client: FlaskClient, auth: Auth) -> None:
    code, task = handed_to_justice(client, auth)
    path = f"/api/v1/tasks/{task}/supplement"
    assert_problem(act(client, auth, "tuphap", path, {"missing": []}), 422)
    assert act(client, auth, "tuphap", path, {"missing": ["Giấy chứng sinh"]}).status_code == 200
    shown = client.get(f"/api/v1/dossiers/{code}", headers=auth("tuphap")).get_json()
    assert (shown["status"], shown["supplement_count"]) == ("supplement", 1)


def test_history_replay_verify_and_control_sheet(
    client: FlaskClient, auth: Auth, clock: FakeClock
) -> None:
    code = receive(client, auth)
    clock.advance(timedelta(minutes=30))
    task = open_task_id(client, auth, code, "tiep_nhan")
    act(client, auth, "tiepnhan", f"/api/v1/tasks/{task}/complete", {})
    events = client.get(f"/api/v1/dossiers/{code}/history", headers=auth("thanhtra")).get_json()
    assert [e["command"] for e in events] == ["receive", "complete"]
    assert events[1]["prev_hash"] == events[0]["hash"]
    before = client.get(
        f"/api/v1/dossiers/{code}/replay",
        query_string={"at": "2026-12-07T08:10:00+07:00"},
        headers=auth("thanhtra"),
    ).get_json()
    assert (len(before["events"]), before["state"]["status"]) == (1, "received")
    verified = client.get(f"/api/v1/dossiers/{code}/verify", headers=auth("thanhtra")).get_json()
    assert verified == {"code": code, "ok": True, "failures": []}
    sheet = client.get(f"/api/v1/dossiers/{code}/control-sheet", headers=auth("tuphap"))
    rows = sheet.get_json()
    assert rows[1]["from_person"] == "Trần Thị Thu"
    assert rows[1]["to"] == [{"task": "Thẩm định hồ sơ", "unit": "tu_phap"}]
    assert rows[1]["timeliness_label"] == "Đúng hạn"


def test_replay_needs_a_moment_with_its_offset(client: FlaskClient, auth: Auth) -> None:
    code = receive(client, auth)
    naive = client.get(
        f"/api/v1/dossiers/{code}/replay?at=2026-12-07T08:10:00", headers=auth("thanhtra")
    )
    assert "at" in assert_problem(naive, 422)["errors"]
    assert_problem(
        client.get(f"/api/v1/dossiers/{code}/replay?at=hôm-qua", headers=auth("thanhtra")), 422
    )
