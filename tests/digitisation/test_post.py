"""Public postal service (bưu chính công ích): received by postal staff, results sent by post."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.clock import FakeClock
from engine.digitisation.access import Grounds
from engine.digitisation.errors import PaperAccessDenied
from engine.files import FileStore
from engine.runtime.dossier import Applicant, Channel, DossierStatus
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand, NotAuthorised
from engine.runtime.reception import SubmittedComponent
from engine.store.models import OutboxRow

from .conftest import (
    BIRTH,
    CITIZEN,
    Officers,
    birth_papers,
    open_task,
    process_to_result,
    put,
    receive_birth,
)

pytestmark = pytest.mark.postgres


def receive_by_post(engine: Engine, officers: Officers, files: FileStore) -> str:
    outcome = engine.runtime.receive(
        BIRTH,
        CITIZEN,
        officers.postal,
        channel=Channel.POST,
        components=birth_papers(files),
        postal_item="eb 123456785 vn",
    )
    assert outcome.dossier_code is not None
    return outcome.dossier_code


def test_postal_staff_receive_on_the_agencys_behalf_and_the_desk_takes_it_from_the_queue(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_by_post(engine, officers, files)
    dossier = engine.runtime.get(code)
    assert (dossier.channel, dossier.received_by) == ("post", "buudien")
    assert dossier.outcome["postal_reception"] == {"item": "EB123456785VN"}
    (task,) = dossier.open_tasks
    assert (task.step_id, task.assignee_id) == ("tiep_nhan", None)  # in the desk's queue
    queue = engine.tasks.unit_queue(officers.receiver)
    assert [t.dossier_code for t in queue.items] == [code]
    engine.tasks.claim(task.id, officers.receiver)
    engine.tasks.complete(task.id, officers.receiver)
    assert engine.runtime.get(code).status is DossierStatus.PROCESSING
    assert engine.history.verify(code).ok


def test_postal_staff_receive_only_on_the_post_channel(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    with pytest.raises(NotAuthorised, match="bưu chính"):
        engine.runtime.receive(
            BIRTH, CITIZEN, officers.postal, components=birth_papers(files), postal_item="EB1"
        )


def test_postal_reception_needs_the_items_postal_number(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    with pytest.raises(InvalidCommand, match="Mã bưu gửi"):
        engine.runtime.receive(
            BIRTH, CITIZEN, officers.postal, channel=Channel.POST, components=birth_papers(files)
        )


def test_postal_staff_cannot_work_the_dossier_nor_see_the_data_store(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_by_post(engine, officers, files)
    with pytest.raises(NotAuthorised):
        engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.postal)
    with pytest.raises(PaperAccessDenied):
        engine.datastore.offers(BIRTH, "079190001234", officers.postal)
    with pytest.raises(PaperAccessDenied):
        engine.datastore.papers("079190001234", officers.postal, Grounds.dossier(code))


def test_postal_staff_cannot_take_papers_from_the_data_store(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = engine.datastore.store(
        CITIZEN, "CCCD", put(files, "cccd"), officers.receiver, Grounds.reception(BIRTH)
    )
    papers = [*birth_papers(files)[:2], SubmittedComponent("GTTT", reused_from=card.code)]
    with pytest.raises(PaperAccessDenied):
        engine.runtime.receive(
            BIRTH,
            CITIZEN,
            officers.postal,
            channel=Channel.POST,
            components=papers,
            postal_item="EB123456785VN",
        )


def test_an_officer_may_still_record_a_dossier_that_came_by_post(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    outcome = engine.runtime.receive(
        BIRTH, CITIZEN, officers.receiver, channel=Channel.POST, components=birth_papers(files)
    )
    assert outcome.dossier_code is not None
    assert engine.runtime.get(outcome.dossier_code).open_tasks[0].assignee_id == (
        officers.receiver.user_id
    )


def test_the_result_returned_by_post_records_the_tracking_number_and_tells_the_applicant(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    engine.runtime.return_result(
        code, officers.receiver, method="post", tracking_number="eb123456785vn"
    )
    dossier = engine.runtime.get(code)
    assert dossier.status is DossierStatus.RETURNED
    assert dossier.outcome["returned"] == {
        "method": "post",
        "tracking_number": "EB123456785VN",
        "address": "Thôn 3, xã Phước Lộc",  # the applicant's, none given
        "note": "",
    }
    with engine.database.read() as session:
        posted = session.scalars(
            select(OutboxRow).where(OutboxRow.template == "result_posted")
        ).one()
    assert "EB123456785VN" in posted.body and "Thôn 3, xã Phước Lộc" in posted.body
    assert engine.history.verify(code).ok


def test_returning_by_post_needs_a_valid_tracking_number_and_an_address(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    nowhere = Applicant(name="Lê Văn Không Địa Chỉ", id_number="079090001111")
    code = engine.runtime.receive(
        BIRTH, nowhere, officers.receiver, components=birth_papers(files)
    ).dossier_code
    assert code is not None
    process_to_result(engine, officers, code, clock)
    with pytest.raises(InvalidCommand, match="mã vận đơn"):
        engine.runtime.return_result(code, officers.receiver, method="post")
    with pytest.raises(InvalidCommand, match="Mã bưu gửi"):
        engine.runtime.return_result(code, officers.receiver, "post", "EB-12")
    with pytest.raises(InvalidCommand, match="địa chỉ"):
        engine.runtime.return_result(code, officers.receiver, "post", "EB123456785VN")
    engine.runtime.return_result(
        code, officers.receiver, "post", "EB123456785VN", address="12 Lê Lợi, xã Phước Lộc"
    )
    assert engine.runtime.get(code).outcome["returned"]["address"] == "12 Lê Lợi, xã Phước Lộc"
