"""Officers completing the same task at the same moment through the API: one wins, others 409."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import Auth, assert_problem, handed_to_justice

pytestmark = pytest.mark.postgres

CLIENTS = 4


def test_concurrent_completions_of_one_task_give_one_success_and_conflicts(
    app: Flask, client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    code, task = handed_to_justice(client, auth)
    headers = [auth(user) for user in ("tuphap", "tuphap2")]  # two officers, two tokens each
    start = threading.Barrier(CLIENTS)
    responses = []
    lock = threading.Lock()

    def complete(index: int) -> None:
        own = app.test_client()
        start.wait()
        response = own.post(f"/api/v1/tasks/{task}/complete", json={}, headers=headers[index % 2])
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (CLIENTS - 1)
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
    events = rest_engine.history.events(code)
    assert [e.command for e in events] == ["receive", "complete", "complete"]
    assert rest_engine.history.verify(code).ok
