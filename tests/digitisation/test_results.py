"""Electronic results: stored in the applicant's data store when issued, then reused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.clock import FakeClock
from engine.digitisation.access import Grounds
from engine.digitisation.errors import ResultAlreadyAttached
from engine.digitisation.service import ResultFile
from engine.files import FileStore
from engine.runtime.commands import ReturnResult
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidTransition, NotAuthorised
from engine.runtime.reception import SubmittedComponent

from .conftest import (
    CITIZEN,
    CORRECTION,
    Officers,
    process_to_result,
    put,
    receive_birth,
    scanned,
)

pytestmark = pytest.mark.postgres
AUDIT = Grounds.audit("Kiểm tra kết quả điện tử")


def issue_birth_certificate(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> tuple[str, str]:
    """A birth dossier processed to its result; returns (dossier code, result code)."""
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    result = ResultFile(put(files, "giay-khai-sinh"), number="125/GKS")
    stored = engine.digitisation.attach_result(code, officers.receiver, result)
    assert stored is not None
    return code, stored


def test_the_electronic_result_lands_in_the_store_when_it_is_attached(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code, stored = issue_birth_certificate(engine, officers, files, clock)
    assert stored == "079190001234.GKS"
    paper = next(
        p
        for p in engine.datastore.papers("079190001234", officers.auditor, AUDIT)
        if p.code == stored
    )
    assert (paper.source, paper.source_dossier, paper.number) == ("result", code, "125/GKS")
    assert (paper.name, paper.issuer) == ("Giấy khai sinh", "UBND xã A")
    assert (paper.digitised_by, paper.certified_by) == ("tiepnhan", "chutich")  # the signer
    assert paper.issued_on == date(2026, 12, 7)
    dossier = engine.runtime.get(code)
    assert dossier.outcome["result"]["code"] == stored
    assert dossier.outcome["result"]["number"] == "125/GKS"
    assert engine.history.events(code)[-1].command == "attach_result"
    assert engine.history.verify(code).ok


def test_the_dossier_row_shows_the_electronic_result_for_reports(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code, stored = issue_birth_certificate(engine, officers, files, clock)
    with engine.database.read() as session:
        row = engine.dossier_row(session, code)
        assert (row.result_code, row.electronic_result) == (stored, True)


def test_a_result_is_attached_only_when_it_is_ready(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    with pytest.raises(InvalidTransition, match="chưa có kết quả"):
        engine.digitisation.attach_result(code, officers.receiver, ResultFile(put(files, "gks")))
    assert engine.datastore.offers(CORRECTION, "079190001234", officers.receiver)[0].papers == ()


def test_a_result_is_attached_once(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code, _ = issue_birth_certificate(engine, officers, files, clock)
    with pytest.raises(ResultAlreadyAttached):
        engine.digitisation.attach_result(code, officers.receiver, ResultFile(put(files, "gks-2")))


def test_only_the_officer_returning_results_attaches_them(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    with pytest.raises(NotAuthorised):
        engine.digitisation.attach_result(code, officers.justice, ResultFile(put(files, "gks")))


def test_return_with_result_is_two_events_in_one_write(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers, files)
    process_to_result(engine, officers, code, clock)
    returned = ReturnResult(officers.receiver.user_id, "desk")
    result = ResultFile(put(files, "gks"), number="7/GKS", signed_by="chutich")
    engine.digitisation.return_with_result(code, officers.receiver, result, returned)
    dossier = engine.runtime.get(code)
    assert dossier.status is DossierStatus.RETURNED
    assert [e.command for e in engine.history.events(code)][-2:] == [
        "attach_result",
        "return_result",
    ]
    assert engine.history.verify(code).ok


def test_a_birth_certificate_issued_by_one_dossier_is_reused_by_another_procedure(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    birth, certificate = issue_birth_certificate(engine, officers, files, clock)
    engine.runtime.return_result(birth, officers.receiver)
    clock.advance(timedelta(days=1))

    offers = {
        o.component: o
        for o in engine.datastore.offers(CORRECTION, "079190001234", officers.receiver)
    }
    assert [p.code for p in offers["GKS"].papers] == [certificate]
    assert offers["GKS"].papers[0].source_dossier == birth

    papers = [
        scanned(files, "TK"),
        SubmittedComponent("GKS", reused_from=certificate),
        SubmittedComponent("GTTT"),
    ]
    outcome = engine.runtime.receive(CORRECTION, CITIZEN, officers.receiver, components=papers)
    correction = outcome.dossier_code
    assert correction is not None
    taken = next(c for c in engine.runtime.components(correction) if c.code == "GKS")
    birth_result = engine.runtime.get(birth).outcome["result"]
    assert (taken.reused_from, taken.sha256) == (certificate, birth_result["sha256"])
    assert engine.digitisation.still_to_scan(correction) == []  # the reused file counts as scanned
    assert engine.history.verify(birth).ok and engine.history.verify(correction).ok
