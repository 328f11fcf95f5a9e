"""Two officers at once: exactly one wins, the other gets a conflict, the history stays clean."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from engine.runtime.engine import Engine
from engine.runtime.errors import Conflict

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, open_task

pytestmark = pytest.mark.postgres


def race(actions: list[Callable[[], object]]) -> tuple[list[object], list[Exception]]:
    barrier = threading.Barrier(len(actions))
    results: list[object] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcome = action()
        except Exception as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_two_officers_completing_the_same_task_one_wins(engine: Engine, officers: Officers) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    task = open_task(engine, code, "tham_dinh")
    results, errors = race(
        [
            lambda: engine.tasks.complete(task, officers.justice),
            lambda: engine.tasks.complete(task, officers.justice_2),
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert [e.command for e in engine.history.events(code)] == ["receive", "complete", "complete"]
    assert engine.history.verify(code).ok


def test_many_receptions_at_once_get_distinct_codes(engine: Engine, officers: Officers) -> None:
    def receive() -> str | None:
        return engine.runtime.receive(
            "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
        ).dossier_code

    results, errors = race([receive] * 8)
    assert errors == []
    assert sorted(results) == [f"000.31.36.H10-261207-{n:04d}" for n in range(1, 9)]
