"""National portal sync: queued with each event, sent once, in order, retried, dead-lettered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import FakeClock
from engine.config import Config, PortalConfig
from engine.digitisation.errors import ScansMissing
from engine.digitisation.portal import HttpPortalClient, PortalDispatcher
from engine.digitisation.service import ResultFile
from engine.files import FileStore
from engine.notify.dispatch import Dispatcher, LogSender
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent
from engine.store.models_digitisation import PortalSyncRow
from scheduler.runner import Worker

from .conftest import (
    BIRTH,
    CITIZEN,
    Officers,
    open_task,
    process_to_result,
    put,
    receive_birth,
    scanned,
)
from .peers import FakePortal

pytestmark = pytest.mark.postgres


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    with FakePortal().running() as running:
        yield running


def dispatcher(engine: Engine, portal: FakePortal, max_attempts: int = 3) -> PortalDispatcher:
    client = HttpPortalClient(portal.url, portal.token, timeout=5)
    return engine.portal.dispatcher(client, max_attempts=max_attempts, retry_seconds=60)


def send_all(sender: PortalDispatcher) -> tuple[int, int]:
    delivered = failed = 0
    while True:
        sent, lost = sender.dispatch()
        if sent + lost == 0:
            return delivered, failed
        delivered, failed = delivered + sent, failed + lost


def queued(engine: Engine, code: str) -> list[tuple[int, str]]:
    return [(v.seq, v.document["status"]) for v in engine.portal.of_dossier(code)]


def test_receiving_a_dossier_queues_what_the_national_index_reads(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    (first,) = engine.portal.of_dossier(code)
    assert (first.key, first.status, first.attempts) == (f"{code}:1", "pending", 0)
    document = first.document
    assert document["dossier_code"] == code and document["procedure_code"] == BIRTH
    assert document["agency"] == {"id": "ubnd_xa", "code": "000.31.36.H10"}
    assert (document["status"], document["national_status"]) == ("received", "Đã tiếp nhận")
    assert (document["channel"], document["channel_label"]) == ("desk", "Trực tiếp")
    assert document["received_at"] == "2026-12-07T01:00:00+00:00"
    assert document["appointment_at"] == "2026-12-08T10:00:00+00:00"  # 17:00 the next day
    assert document["processing_end_at"] is None and document["result"] is None
    assert document["components"] == {
        "total": 3,
        "digitised": 2,
        "reused": 0,
        "digitised_codes": ["079190001234.TKKS", "079190001234.GCS"],
        "reused_codes": [],
    }
    assert document["fee"] == {
        "due": 0,
        "paid": False,
        "method": None,
        "online": False,
        "paid_at": None,
        "reference": None,
    }


def test_each_status_change_is_queued_and_nothing_else(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    task = open_task(engine, code, "tiep_nhan")
    engine.tasks.unclaim(task, officers.receiver)  # an assignment: the portal does not read it
    engine.tasks.claim(task, officers.receiver)
    assert queued(engine, code) == [(1, "received")]
    engine.tasks.complete(task, officers.receiver)
    assert queued(engine, code) == [(1, "received"), (4, "processing")]
    process_to_result_from_processing(engine, officers, code, clock)
    engine.runtime.return_result(code, officers.receiver)
    statuses = [status for _, status in queued(engine, code)]
    assert statuses == ["received", "processing", "result_ready", "returned"]


def process_to_result_from_processing(
    engine: Engine, officers: Officers, code: str, clock: FakeClock
) -> None:
    clock.advance(timedelta(minutes=30))
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)


def test_a_command_that_fails_queues_nothing(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    papers = [scanned(files, "TK"), SubmittedComponent("GCS"), SubmittedComponent("GTTT")]
    code = engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers).dossier_code
    assert code is not None
    with pytest.raises(ScansMissing):
        engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    assert queued(engine, code) == [(1, "received")]


def test_the_result_and_the_payment_are_in_the_documents(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    engine.digitisation.attach_result(
        code, officers.receiver, ResultFile(put(files, "gks"), "9/GKS")
    )
    last = engine.portal.of_dossier(code)[-1].document
    paper_id = engine.runtime.get(code).outcome["result"]["paper_id"]
    assert last["result"] == {
        "code": "079190001234.GKS",
        "number": "9/GKS",
        "electronic": True,
        "sha256": engine.runtime.get(code).outcome["result"]["sha256"],
        "file_link": f"https://motcua.example/api/v1/papers/{paper_id}/file",
    }
    assert last["processing_end_at"] is not None


def test_the_dispatcher_sends_every_document_once_with_its_key(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock, portal: FakePortal
) -> None:
    first = receive_birth(engine, officers, files)
    second = receive_birth(engine, officers, files)
    engine.tasks.complete(open_task(engine, first, "tiep_nhan"), officers.receiver)
    sender = dispatcher(engine, portal)
    assert send_all(sender) == (3, 0)
    assert portal.keys() == [f"{first}:1", f"{second}:1", f"{first}:2"]
    assert portal.accepted[2][1]["status"] == "processing"
    assert send_all(sender) == (0, 0)  # nothing is sent twice
    assert portal.arrivals == portal.keys() and portal.duplicates == []
    assert engine.portal.counts() == {"pending": 0, "sending": 0, "sent": 3, "dead": 0}


def test_a_failure_is_retried_after_a_backoff(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock, portal: FakePortal
) -> None:
    code = receive_birth(engine, officers, files)
    portal.script = [503]
    sender = dispatcher(engine, portal)
    assert send_all(sender) == (0, 1)
    (waiting,) = engine.portal.of_dossier(code)
    assert (waiting.status, waiting.attempts, waiting.response_status) == ("pending", 1, 503)
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=60)
    assert send_all(sender) == (0, 0)  # not yet due
    clock.advance(timedelta(seconds=60))
    assert send_all(sender) == (1, 0)
    assert portal.keys() == [f"{code}:1"]


def test_a_dossiers_documents_arrive_in_order_even_when_one_waits_for_a_retry(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock, portal: FakePortal
) -> None:
    first = receive_birth(engine, officers, files)
    engine.tasks.complete(open_task(engine, first, "tiep_nhan"), officers.receiver)
    second = receive_birth(engine, officers, files)
    portal.script = [503]  # the first dossier's first document fails
    assert send_all(dispatcher(engine, portal)) == (1, 1)
    assert portal.keys() == [f"{second}:1"]  # the first dossier's later change waits its turn
    clock.advance(timedelta(seconds=60))
    send_all(dispatcher(engine, portal))
    assert portal.keys() == [f"{second}:1", f"{first}:1", f"{first}:2"]


def test_a_document_the_portal_refuses_is_a_dead_letter_at_once_and_can_be_requeued(
    engine: Engine, officers: Officers, files: FileStore, portal: FakePortal
) -> None:
    code = receive_birth(engine, officers, files)
    portal.script = [400]
    assert send_all(dispatcher(engine, portal)) == (0, 1)
    (dead,) = engine.portal.dead()
    assert (dead.key, dead.attempts, dead.response_status) == (f"{code}:1", 1, 400)
    assert dead.last_error is not None and "HTTP 400" in dead.last_error
    assert engine.portal.requeue([dead.id]) == 1
    assert send_all(dispatcher(engine, portal)) == (1, 0)
    assert engine.portal.dead() == [] and portal.keys() == [f"{code}:1"]


def test_after_the_last_attempt_a_document_is_dead(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock, portal: FakePortal
) -> None:
    receive_birth(engine, officers, files)
    portal.script = [500, 502]
    sender = dispatcher(engine, portal, max_attempts=2)
    send_all(sender)
    clock.advance(timedelta(seconds=60))
    send_all(sender)
    assert engine.portal.counts()["dead"] == 1 and portal.keys() == []
    assert engine.portal.requeue() == 1  # all dead letters


def test_an_answer_lost_after_delivery_is_resent_with_the_same_key_and_not_duplicated(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock, portal: FakePortal
) -> None:
    code = receive_birth(engine, officers, files)
    portal.script = [-1]  # taken, but the answer never arrives
    assert send_all(dispatcher(engine, portal)) == (0, 1)
    clock.advance(timedelta(seconds=60))
    assert send_all(dispatcher(engine, portal)) == (1, 0)  # 409: the portal has it already
    assert portal.keys() == [f"{code}:1"] and portal.duplicates == [f"{code}:1"]
    (sent,) = engine.portal.of_dossier(code)
    assert (sent.status, sent.response_status) == ("sent", 409)


def test_an_unreachable_portal_is_a_failed_attempt(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    with FakePortal().running() as gone:
        url = gone.url
    sender = engine.portal.dispatcher(HttpPortalClient(url, timeout=2), max_attempts=3)
    assert send_all(sender) == (0, 1)
    assert engine.portal.counts()["pending"] == 1


def test_the_scheduler_worker_sends_the_queue_on_each_tick(
    engine: Engine, officers: Officers, files: FileStore, portal: FakePortal
) -> None:
    code = receive_birth(engine, officers, files)
    config = Config(portal=PortalConfig(url=portal.url, token=portal.token))
    worker = Worker.from_config(engine, config)
    assert worker.portal is not None
    worker.tick()
    assert portal.keys() == [f"{code}:1"]


def test_without_a_portal_url_the_worker_keeps_documents_queued(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    worker = Worker(engine, Dispatcher(engine.database, {"log": LogSender()}, engine.clock))
    worker.tick()
    with engine.database.read() as session:
        assert session.scalar(select(func.count()).select_from(PortalSyncRow)) == 1
    assert engine.portal.counts()["pending"] == 1


def test_the_return_by_post_is_synced_without_the_postal_address(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    engine.runtime.return_result(code, officers.receiver, "post", "EB123456785VN")
    last = engine.portal.of_dossier(code)[-1].document
    assert last["status"] == "returned"
    assert last["returned"] == {"method": "post", "tracking_number": "EB123456785VN"}
