"""Stored papers are personal data: who may open them, and the log of every access."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.digitisation.access import Grounds
from engine.digitisation.errors import ApplicantNotFound, PaperAccessDenied, PaperNotFound
from engine.files import FileStore
from engine.runtime.engine import Engine
from engine.store.models_digitisation import PaperAccessRow

from .conftest import (
    BIRTH,
    CITIZEN,
    OTHER_CITIZEN,
    Officers,
    birth_papers,
    open_task,
    put,
    receive_birth,
)

pytestmark = pytest.mark.postgres
ID = "079190001234"


def first_paper(engine: Engine, officers: Officers) -> str:
    papers = engine.datastore.papers(ID, officers.auditor, Grounds.audit("Lấy mã giấy tờ"))
    return papers[0].public_id


def test_the_officer_handling_the_dossier_may_list_and_open_the_papers(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    papers = engine.datastore.papers(ID, officers.receiver, Grounds.dossier(code))
    assert {p.paper_type for p in papers} == {"TKKS", "GCS"}
    gcs = next(p for p in papers if p.paper_type == "GCS")
    opened = engine.datastore.open_paper(gcs.public_id, officers.receiver, Grounds.dossier(code))
    with opened.stream as stream:
        content = stream.read()
    assert content.startswith(b"%PDF-") and len(content) == gcs.size


def test_a_paper_is_served_as_a_download_that_is_never_sniffed_or_cached(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    public_id = first_paper(engine, officers)
    opened = engine.datastore.open_paper(public_id, officers.receiver, Grounds.dossier(code))
    opened.stream.close()
    headers = opened.headers()
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store, private"
    assert "sandbox" in headers["Content-Security-Policy"]


def test_the_public_id_is_random_and_the_view_has_no_storage_key(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    paper = engine.datastore.papers(ID, officers.auditor, Grounds.audit("x"))[0]
    assert len(paper.public_id) == 32 and ID not in paper.public_id
    assert paper.public_id != paper.sha256 and not hasattr(paper, "file_key")


def test_an_officer_of_the_same_desk_not_handling_the_dossier_is_refused(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)  # the reception task is the receiver's
    with pytest.raises(PaperAccessDenied, match="không đang xử lý"):
        engine.datastore.papers(ID, officers.receiver_2, Grounds.dossier(code))


def test_the_officer_of_the_next_step_gains_access_and_the_receiver_loses_it(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    assert engine.datastore.papers(ID, officers.justice, Grounds.dossier(code))
    with pytest.raises(PaperAccessDenied):
        engine.datastore.papers(ID, officers.receiver, Grounds.dossier(code))


def test_a_dossier_of_another_person_gives_no_grounds(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    other = engine.runtime.receive(
        BIRTH, OTHER_CITIZEN, officers.receiver, components=birth_papers(files)
    ).dossier_code
    assert other is not None
    with pytest.raises(PaperAccessDenied, match="không phải của người này"):
        engine.datastore.papers(ID, officers.receiver, Grounds.dossier(other))


def test_a_closed_dossier_gives_no_grounds(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    engine.runtime.withdraw(code, officers.receiver, "Công dân xin rút hồ sơ")
    with pytest.raises(PaperAccessDenied, match="đã kết thúc"):
        engine.datastore.papers(ID, officers.receiver, Grounds.dossier(code))


def test_an_auditor_reads_with_a_stated_reason_and_nobody_else_can_claim_to_audit(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    assert engine.datastore.papers(ID, officers.auditor, Grounds.audit("Thanh tra số 12/QĐ"))
    with pytest.raises(PaperAccessDenied, match="lý do"):
        engine.datastore.papers(ID, officers.auditor, Grounds.audit("  "))
    with pytest.raises(PaperAccessDenied, match="thanh tra"):
        engine.datastore.papers(ID, officers.receiver, Grounds.audit("Tò mò"))


def test_system_grounds_never_let_anyone_read(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)
    with pytest.raises(PaperAccessDenied):
        engine.datastore.papers(ID, officers.auditor, Grounds.system("dữ liệu mẫu"))


def test_opening_a_paper_is_refused_without_grounds_and_the_refusal_leaves_no_entry(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    public_id = first_paper(engine, officers)
    before = len(engine.datastore.access_log(ID, officers.auditor, "Đếm"))
    with pytest.raises(PaperAccessDenied):
        engine.datastore.open_paper(public_id, officers.outsider, Grounds.dossier(code))
    after = engine.datastore.access_log(ID, officers.auditor, "Đếm")
    assert len(after) == before + 1  # only the auditor's own reading was added
    assert after[-1].action == "log"


def test_every_access_is_in_the_log_with_who_what_and_why(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    public_id = first_paper(engine, officers)
    engine.datastore.open_paper(public_id, officers.receiver, Grounds.dossier(code)).stream.close()
    log = engine.datastore.access_log(ID, officers.auditor, "Kiểm tra truy cập")
    actions = [(e.action, e.actor, e.grounds) for e in log]
    assert actions[:2] == [("store", "tiepnhan", "reception"), ("store", "tiepnhan", "reception")]
    assert ("list", "thanhtra", "audit") in actions
    assert ("open", "tiepnhan", "dossier") in actions
    opened = next(e for e in log if e.action == "open")
    assert opened.dossier_code == code and opened.paper_code is not None
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    on_dossier = engine.datastore.accesses_for_dossier(code)
    assert {e.action for e in on_dossier} >= {"store", "open"}


def test_the_access_log_verifies_and_tampering_is_found(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    engine.datastore.papers(ID, officers.receiver, Grounds.dossier(code))
    assert engine.datastore.verify_access_logs() == []
    with engine.database.write() as session:
        session.execute(update(PaperAccessRow).where(PaperAccessRow.seq == 2).values(actor="ai_do"))
    assert engine.datastore.verify_access_logs() == [
        (ID, "entry 2: altered (its hash does not match its content)")
    ]


def test_a_removed_entry_is_found(engine: Engine, officers: Officers, files: FileStore) -> None:
    code = receive_birth(engine, officers, files)
    engine.datastore.papers(ID, officers.receiver, Grounds.dossier(code))
    with engine.database.write() as session:
        last = session.scalar(select(PaperAccessRow).order_by(PaperAccessRow.seq.desc()))
        assert last is not None
        session.delete(last)
    (problem,) = engine.datastore.verify_access_logs()
    assert "entries removed" in problem[1]


def test_an_unknown_person_has_no_store(engine: Engine, officers: Officers) -> None:
    with pytest.raises(ApplicantNotFound):
        engine.datastore.papers("079199999999", officers.auditor, Grounds.audit("x"))


def test_a_file_missing_from_the_file_store_is_reported(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    paper = engine.datastore.papers(ID, officers.auditor, Grounds.audit("x"))[0]
    path = files.path_of(paper.sha256)
    path.chmod(0o600)
    path.unlink()
    with pytest.raises(PaperNotFound, match="không còn trong kho tệp"):
        engine.datastore.open_paper(paper.public_id, officers.receiver, Grounds.dossier(code))


# --- the files of a dossier's components ----------------------------------------------------


def test_a_components_file_opens_for_the_handling_officer_and_is_logged(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    opened = engine.digitisation.open_component(
        code, "GCS", officers.receiver, Grounds.dossier(code)
    )
    with opened.stream as stream:
        assert stream.read().startswith(b"%PDF-")
    assert opened.headers()["Content-Disposition"].startswith("attachment;")
    log = engine.datastore.access_log(ID, officers.auditor, "Kiểm tra")
    assert any(
        e.action == "open" and e.paper_code == f"{ID}.GCS" and e.dossier_code == code for e in log
    )


def test_a_components_file_is_refused_to_others_and_missing_files_are_said(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_birth(engine, officers, files)
    with pytest.raises(PaperAccessDenied):
        engine.digitisation.open_component(code, "GCS", officers.justice, Grounds.dossier(code))
    with pytest.raises(PaperAccessDenied):
        engine.digitisation.open_component(code, "GCS", officers.receiver, Grounds.dossier("X"))
    with pytest.raises(PaperNotFound, match="chưa có tệp"):
        engine.digitisation.open_component(code, "GTTT", officers.receiver, Grounds.dossier(code))
    audit = Grounds.audit("Thanh tra")
    engine.digitisation.open_component(code, "TK", officers.auditor, audit).stream.close()


# --- at reception: only what the procedure may reuse ---------------------------------------


def test_at_reception_an_officer_opens_only_papers_the_procedure_may_reuse(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    receive_birth(engine, officers, files)  # the store now has the form and the birth notice
    card = engine.datastore.store(
        CITIZEN, "CCCD", put(files, "cccd"), officers.receiver, Grounds.reception(BIRTH)
    )
    reception = Grounds.reception(BIRTH)
    engine.datastore.open_paper(card.public_id, officers.receiver, reception).stream.close()
    notice = next(
        p
        for p in engine.datastore.papers(ID, officers.auditor, Grounds.audit("x"))
        if p.paper_type == "GCS"
    )
    with pytest.raises(PaperAccessDenied, match="không dùng lại giấy tờ loại GCS"):
        engine.datastore.open_paper(notice.public_id, officers.receiver, reception)
    with pytest.raises(PaperAccessDenied, match="được đề xuất"):
        engine.datastore.papers(ID, officers.receiver, reception)
    with pytest.raises(PaperAccessDenied):
        engine.datastore.revoke(card.public_id, officers.receiver, reception, "nhầm")
