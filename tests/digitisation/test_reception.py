"""Reception with reuse: scans go into the data store, stored papers are offered and taken."""

from __future__ import annotations

from datetime import date

import pytest

from engine.clock import FakeClock
from engine.digitisation.access import Grounds
from engine.digitisation.errors import PaperAccessDenied, PaperNotReusable, ScansMissing
from engine.digitisation.papers import PaperDetails
from engine.digitisation.service import ResultFile
from engine.files import FileStore
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand
from engine.runtime.reception import SubmittedComponent
from engine.store.models import ComponentRow

from .conftest import (
    BIRTH,
    CITIZEN,
    OTHER_CITIZEN,
    Officers,
    birth_papers,
    open_task,
    process_to_result,
    put,
    receive_birth,
    scanned,
)

pytestmark = pytest.mark.postgres
AUDIT = Grounds.audit("Kiểm tra định kỳ")


def store_id_card(
    engine: Engine, officers: Officers, files: FileStore, valid_until: date | None = None
) -> str:
    paper = engine.datastore.store(
        CITIZEN,
        "CCCD",
        put(files, "cccd"),
        officers.receiver,
        Grounds.reception(BIRTH),
        PaperDetails(
            number="079190001234", issuer="Cục Cảnh sát QLHC về TTXH", valid_until=valid_until
        ),
    )
    return paper.code


def components(engine: Engine, code: str) -> dict[str, ComponentRow]:
    return {c.code: c for c in engine.runtime.components(code)}


def test_scans_at_reception_go_into_the_applicants_store_with_their_codes(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    found = components(engine, code)
    assert found["TK"].digitized_code == "079190001234.TKKS"
    assert found["GCS"].digitized_code == "079190001234.GCS"
    assert found["GTTT"].digitized_code is None  # shown, not scanned
    papers = {
        p.code: p for p in engine.datastore.papers(CITIZEN.id_number or "", officers.auditor, AUDIT)
    }
    birth_notice = papers["079190001234.GCS"]
    assert (birth_notice.paper_type, birth_notice.name) == ("GCS", "Giấy chứng sinh")
    assert (birth_notice.source, birth_notice.source_dossier) == ("reception", code)
    assert (birth_notice.digitised_by, birth_notice.certified_by) == ("tiepnhan", "tiepnhan")
    assert birth_notice.sha256 == found["GCS"].sha256


def test_a_second_paper_of_the_same_type_gets_the_next_suffix(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    first = receive_birth(engine, officers, files)
    second = receive_birth(engine, officers, files)
    assert components(engine, first)["GCS"].digitized_code == "079190001234.GCS"
    assert components(engine, second)["GCS"].digitized_code == "079190001234.GCS.2"


def test_the_same_file_stored_again_is_the_same_paper(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = put(files, "cccd")
    grounds = Grounds.reception(BIRTH)
    first = engine.datastore.store(CITIZEN, "CCCD", card, officers.receiver, grounds)
    again = engine.datastore.store(CITIZEN, "CCCD", card, officers.receiver, grounds)
    assert first.code == again.code == "079190001234.CCCD"
    assert len(engine.datastore.papers("079190001234", officers.auditor, AUDIT)) == 1


def test_offers_list_the_valid_papers_of_each_reusable_component(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    offers = {
        o.component: o for o in engine.datastore.offers(BIRTH, "079190001234", officers.receiver)
    }
    assert list(offers) == ["GTTT", "GCNKH"]  # the reusable components, in definition order
    assert [p.code for p in offers["GTTT"].papers] == [card]
    assert offers["GCNKH"].papers == ()


def test_an_unknown_applicant_gets_empty_offers(engine: Engine, officers: Officers) -> None:
    offers = engine.datastore.offers(BIRTH, "079199999999", officers.receiver)
    assert [(o.component, o.papers) for o in offers] == [("GTTT", ()), ("GCNKH", ())]


def test_an_officer_who_does_not_receive_the_procedure_gets_no_offers(
    engine: Engine, officers: Officers
) -> None:
    with pytest.raises(PaperAccessDenied):
        engine.datastore.offers(BIRTH, "079190001234", officers.justice)


def test_a_reused_component_links_to_the_stored_paper_and_is_in_the_receive_event(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    papers = [
        scanned(files, "TK"),
        scanned(files, "GCS"),
        SubmittedComponent("GTTT", reused_from=card),
    ]
    code = engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers).dossier_code
    assert code is not None
    reused = components(engine, code)["GTTT"]
    stored = engine.datastore.papers("079190001234", officers.auditor, AUDIT)
    card_sha = next(p.sha256 for p in stored if p.code == card)
    assert (reused.reused_from, reused.digitized_code, reused.sha256) == (card, card, card_sha)
    (receive,) = [e for e in engine.history.events(code) if e.command == "receive"]
    (in_event,) = [c for c in receive.payload["components"] if c["code"] == "GTTT"]
    assert (in_event["reused_from"], in_event["sha256"]) == (card, card_sha)
    assert engine.history.verify(code).ok


def test_reusing_a_paper_is_recorded_in_the_applicants_access_log(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    papers = [*birth_papers(files)[:2], SubmittedComponent("GTTT", reused_from=card)]
    code = engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers).dossier_code
    log = engine.datastore.access_log("079190001234", officers.auditor, "Kiểm tra")
    reuse = [e for e in log if e.action == "reuse"]
    assert [(e.actor, e.paper_code, e.grounds, e.dossier_code) for e in reuse] == [
        ("tiepnhan", card, "reception", code)
    ]


def test_another_persons_paper_cannot_be_taken(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    papers = [*birth_papers(files)[:2], SubmittedComponent("GTTT", reused_from=card)]
    with pytest.raises(PaperNotReusable, match="không có trong kho dữ liệu của người nộp"):
        engine.runtime.receive(BIRTH, OTHER_CITIZEN, officers.receiver, components=papers)
    assert engine.runtime.codes() == []


def test_a_paper_of_another_type_cannot_stand_for_a_component(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    papers = [*birth_papers(files), SubmittedComponent("GCNKH", reused_from=card)]
    with pytest.raises(PaperNotReusable, match="giấy tờ loại CCCD, thành phần cần loại GCNKH"):
        engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers)


def test_a_component_not_marked_reusable_cannot_take_a_stored_paper(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    first = receive_birth(engine, officers, files)
    notice = components(engine, first)["GCS"].digitized_code
    papers = [
        scanned(files, "TK"),
        SubmittedComponent("GCS", reused_from=notice),
        SubmittedComponent("GTTT"),
    ]
    with pytest.raises(PaperNotReusable, match="không cho phép dùng lại"):
        engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers)


def test_an_expired_paper_is_neither_offered_nor_taken(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files, valid_until=date(2026, 12, 6))
    offers = engine.datastore.offers(BIRTH, "079190001234", officers.receiver)
    assert offers[0].papers == ()
    papers = [*birth_papers(files)[:2], SubmittedComponent("GTTT", reused_from=card)]
    with pytest.raises(PaperNotReusable, match="hết hiệu lực"):
        engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers)


def test_a_revoked_paper_is_not_offered(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    public_id = engine.datastore.papers("079190001234", officers.auditor, AUDIT)[0].public_id
    engine.datastore.revoke(public_id, officers.auditor, AUDIT, "Đã cấp thẻ mới")
    assert engine.datastore.offers(BIRTH, "079190001234", officers.receiver)[0].papers == ()
    every = engine.datastore.papers("079190001234", officers.auditor, AUDIT, include_invalid=True)
    assert [(p.code, p.status) for p in every] == [(card, "revoked")]


def test_a_component_is_either_reused_or_uploaded_not_both(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    card = store_id_card(engine, officers, files)
    upload = put(files, "cccd-moi")
    both = SubmittedComponent("GTTT", file_key=upload.key, reused_from=card)
    with pytest.raises(InvalidCommand, match="không cả hai"):
        engine.runtime.receive(
            BIRTH, CITIZEN, officers.receiver, components=[*birth_papers(files)[:2], both]
        )


def test_a_file_must_be_uploaded_before_it_is_named(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    ghost = SubmittedComponent("GCS", file_key="c" * 64)
    with pytest.raises(InvalidCommand, match="chưa được tải lên"):
        engine.runtime.receive(
            BIRTH,
            CITIZEN,
            officers.receiver,
            components=[scanned(files, "TK"), ghost, SubmittedComponent("GTTT")],
        )


# --- what is still to scan, and the hand-over -----------------------------------------------


def receive_without_scan(engine: Engine, officers: Officers, files: FileStore) -> str:
    papers = [scanned(files, "TK"), SubmittedComponent("GCS"), SubmittedComponent("GTTT")]
    code = engine.runtime.receive(BIRTH, CITIZEN, officers.receiver, components=papers).dossier_code
    assert code is not None
    return code


def test_still_to_scan_lists_components_to_digitise_without_a_file(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_without_scan(engine, officers, files)
    assert [(c.code, c.name) for c in engine.digitisation.still_to_scan(code)] == [
        ("GCS", "Giấy chứng sinh")
    ]


def test_hand_over_is_refused_while_a_scan_is_missing(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_without_scan(engine, officers, files)
    with pytest.raises(ScansMissing) as refused:
        engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    assert refused.value.details["to_scan"] == ["GCS"]
    assert "Giấy chứng sinh (GCS)" in refused.value.message
    assert [e.command for e in engine.history.events(code)] == ["receive"]


def test_a_scan_attached_later_is_stored_recorded_and_lets_the_dossier_go_on(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_without_scan(engine, officers, files)
    stored = engine.digitisation.attach_scan(code, "GCS", put(files, "gcs"), officers.receiver)
    assert stored == "079190001234.GCS"
    assert engine.digitisation.still_to_scan(code) == []
    assert components(engine, code)["GCS"].digitized_code == stored
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    events = engine.history.events(code)
    assert [e.command for e in events] == ["receive", "attach_scan", "complete"]
    assert events[1].payload["component"] == "GCS"
    assert events[1].payload["digitized_code"] == stored
    assert engine.history.verify(code).ok


def test_only_an_officer_handling_the_dossier_may_attach_a_scan(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_without_scan(engine, officers, files)
    with pytest.raises(PaperAccessDenied):
        engine.digitisation.attach_scan(code, "GCS", put(files, "gcs"), officers.outsider)
    assert engine.digitisation.still_to_scan(code) != []


def test_papers_uploaded_online_say_so_and_are_certified_by_the_receiving_officer(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    outcome = engine.runtime.receive(
        BIRTH, CITIZEN, officers.receiver, Channel.ONLINE, birth_papers(files)
    )
    assert outcome.dossier_code is not None
    papers = engine.datastore.papers("079190001234", officers.auditor, AUDIT)
    assert {(p.source, p.digitised_by, p.certified_by) for p in papers} == {
        ("online", "applicant", "tiepnhan")
    }


def test_an_applicant_without_an_identifier_has_no_store_but_the_dossier_goes_on(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    stranger = Applicant(name="Người chưa có số định danh")
    code = engine.runtime.receive(
        BIRTH, stranger, officers.receiver, components=birth_papers(files)
    ).dossier_code
    assert code is not None
    assert all(c.digitized_code is None for c in engine.runtime.components(code))
    process_to_result(engine, officers, code, clock)
    stored = engine.digitisation.attach_result(
        code, officers.receiver, ResultFile(put(files, "gks"))
    )
    assert stored is None  # electronic, but there is no store to put it in
    assert engine.runtime.get(code).outcome["result"]["sha256"]
    with pytest.raises(PaperNotReusable, match="chưa có số định danh"):
        engine.runtime.receive(
            BIRTH,
            stranger,
            officers.receiver,
            components=[*birth_papers(files)[:2], SubmittedComponent("GTTT", reused_from="x")],
        )
