"""Việc chờ: the open tasks the inbox does not list, for the unit that holds them."""

from __future__ import annotations

import pytest

from engine.runtime.engine import Engine

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, open_task

pytestmark = pytest.mark.postgres


def test_a_dossier_waiting_for_a_supplement_is_listed_for_the_unit_that_asked(
    engine: Engine, officers: Officers
) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.request_supplement(
        open_task(engine, code, "tham_dinh"), officers.justice, ["Giấy chứng sinh bản chính"]
    )

    waiting = engine.tasks.waiting(officers.justice_2)

    assert [(t.dossier_code, t.kind, t.step_id) for t in waiting] == [
        (code, "supplement", "tham_dinh.supplement")
    ]
    assert engine.tasks.waiting(officers.receiver) == []
    assert engine.tasks.my_tasks(officers.justice).items == []  # not an inbox task


def test_steps_to_work_are_not_waiting_tasks(engine: Engine, officers: Officers) -> None:
    engine.runtime.receive("1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS)
    assert engine.tasks.waiting(officers.receiver) == []
