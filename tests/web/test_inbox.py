"""Hộp việc: my tasks and my unit's queue, counts, filters, search, paging, claim and unclaim."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from api.web import inbox_views
from engine.clock import FakeClock
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine

from .conftest import hand_over, login, receive, text


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/inbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_home_page_is_the_inbox(client: FlaskClient) -> None:
    login(client, "tuphap")
    assert client.get("/").headers["Location"] == "/inbox"


def test_the_unit_queue_lists_unclaimed_tasks_with_the_counts(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    hand_over(engine, code)
    login(client, "tuphap")
    page = text(client.get("/inbox"))
    assert "Việc chờ nhận của đơn vị" in page
    assert f"{code} Nguyễn Thị Hồng Nhung Thẩm định hồ sơ" in page
    assert "1 Đến hạn hôm nay" in page
    assert "0 Quá hạn" in page
    assert "Không có việc nào đang giao cho bạn." in page


def test_overdue_rows_stand_out(client: FlaskClient, engine: Engine, clock: FakeClock) -> None:
    hand_over(engine, receive(engine))
    clock.advance(timedelta(days=1))
    login(client, "tuphap")
    html = client.get("/inbox").get_data(as_text=True)
    assert '<tr class="late">' in html
    assert "1 Quá hạn" in text(client.get("/inbox"))


def test_search_ignores_diacritics_and_case(client: FlaskClient, engine: Engine) -> None:
    hand_over(engine, receive(engine))
    other = receive(engine, applicant=Applicant("Trần Văn Đông"))
    hand_over(engine, other)
    login(client, "tuphap")
    page = text(client.get("/inbox?q=tran+van+dong"))
    assert other in page
    assert "Nguyễn Thị Hồng Nhung" not in page
    assert "khớp bộ lọc" in page


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_search_matches_composed_and_combining_diacritics_alike(
    client: FlaskClient, engine: Engine, form: str
) -> None:
    hand_over(engine, receive(engine))
    other = receive(engine, applicant=Applicant(unicodedata.normalize(form, "Trần Văn Đông")))
    hand_over(engine, other)
    login(client, "tuphap")
    for query in ("Trần Văn Đông", "trần văn đông", "TRAN VAN DONG"):
        for typed in ("NFC", "NFD"):
            page = text(
                client.get("/inbox", query_string={"q": unicodedata.normalize(typed, query)})
            )
            assert other in page, (form, typed, query)
            assert "Nguyễn Thị Hồng Nhung" not in page


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "' OR 1=1 --", "x'; DROP TABLE tasks; --", "%' OR '%'='", "\\' UNION SELECT 1 --"],
)
def test_sql_injection_strings_in_the_search_find_nothing(
    client: FlaskClient, engine: Engine, hostile: str
) -> None:
    code = receive(engine)
    hand_over(engine, code)
    login(client, "tuphap")
    response = client.get("/inbox", query_string={"q": hostile})
    assert response.status_code == 200
    assert code not in text(response)
    assert code in text(client.get("/inbox"))  # the table is still there


def test_search_by_dossier_code_prefix(client: FlaskClient, engine: Engine) -> None:
    first = receive(engine)
    second = receive(engine)
    hand_over(engine, first)
    hand_over(engine, second)
    login(client, "tuphap")
    page = text(client.get(f"/inbox?q={second}"))
    assert second in page and first not in page


def test_filter_by_procedure_and_overdue_only(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    birth = receive(engine)
    hand_over(engine, birth)
    eform = receive(engine, procedure="2.000001")
    hand_over(engine, eform)
    login(client, "tuphap")
    page = text(client.get("/inbox?procedure=2.000001"))
    assert eform in page and birth not in page
    assert birth not in text(client.get("/inbox?overdue=1"))
    clock.advance(timedelta(days=2))
    assert birth in text(client.get("/inbox?overdue=1"))


def test_more_tasks_come_on_the_next_page(
    client: FlaskClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 2)
    codes = []
    for _ in range(3):
        codes.append(receive(engine))
        hand_over(engine, codes[-1])
        clock.advance(timedelta(minutes=10))
    login(client, "tuphap")
    first = client.get("/inbox").get_data(as_text=True)
    assert codes[0] in first and codes[1] in first and codes[2] not in first
    link = first.split('<p class="more"><a class="button" href="')[1].split('"')[0]
    second = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert codes[2] in second and codes[0] not in second
    assert "Về đầu danh sách" in second


def test_claiming_moves_the_task_to_my_tasks(client: FlaskClient, engine: Engine) -> None:
    task_id = hand_over(engine, receive(engine))
    token = login(client, "tuphap")
    response = client.post(
        f"/tasks/{task_id}/claim", data={"csrf_token": token, "next": "/inbox?q=x"}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/inbox?q=x")
    assert engine.tasks.get(task_id).assignee_id == engine.users.get("tuphap").id
    page = text(client.get("/inbox"))
    assert "Đã nhận xử lý “Thẩm định hồ sơ”" in page
    assert "Trả về hàng chờ" in page


def test_unclaiming_puts_it_back_in_the_queue(client: FlaskClient, engine: Engine) -> None:
    task_id = hand_over(engine, receive(engine))
    engine.tasks.claim(task_id, engine.users.get("tuphap").actor)
    token = login(client, "tuphap")
    response = client.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": token})
    assert response.status_code == 302
    assert engine.tasks.get(task_id).assignee_id is None


def test_claiming_another_units_task_is_refused_on_the_inbox_page(
    client: FlaskClient, engine: Engine
) -> None:
    task_id = hand_over(engine, receive(engine))
    token = login(client, "chutich")
    response = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token})
    assert response.status_code == 403
    assert "bạn không được giao xử lý" in text(response)
    assert "Hộp việc" in text(response)
    assert engine.tasks.get(task_id).assignee_id is None


def test_a_task_claimed_by_a_colleague_is_a_conflict(client: FlaskClient, engine: Engine) -> None:
    task_id = hand_over(engine, receive(engine))
    engine.tasks.claim(task_id, engine.users.get("tuphap2").actor)
    token = login(client, "tuphap")
    response = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token})
    assert response.status_code == 409
    assert "đang do cán bộ khác xử lý" in text(response)


def test_an_unknown_task_is_not_found(client: FlaskClient) -> None:
    token = login(client, "tuphap")
    response = client.post("/tasks/999/claim", data={"csrf_token": token})
    assert response.status_code == 404
    assert "Không có công việc số 999." in text(response)


def test_a_forged_page_cursor_is_a_clear_error(client: FlaskClient) -> None:
    login(client, "tuphap")
    response = client.get("/inbox?mine_after=bm90LWEtY3Vyc29y")
    assert response.status_code == 422
    assert "Con trỏ phân trang không hợp lệ." in text(response)


def test_the_search_box_is_reachable_from_the_keyboard(client: FlaskClient) -> None:
    login(client, "tuphap")
    html = client.get("/inbox").get_data(as_text=True)
    assert 'id="search"' in html and 'accesskey="s"' in html
    assert "<kbd>/</kbd>" in html
    assert 'class="skip" href="#main"' in html


@pytest.mark.parametrize("action", ["claim", "unclaim"])
def test_claim_and_unclaim_need_the_csrf_token(
    client: FlaskClient, engine: Engine, action: str
) -> None:
    task_id = hand_over(engine, receive(engine))
    login(client, "tuphap")
    assert client.post(f"/tasks/{task_id}/{action}").status_code == 403
    assert engine.tasks.get(task_id).assignee_id is None
