"""Demo data: applicants with stored papers that a new dossier can reuse."""

from __future__ import annotations

import pytest

from engine.digitisation.access import Grounds
from engine.digitisation.demo import DEMO_APPLICANTS, sample_components, seed_demo_applicants
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from .conftest import BIRTH, Officers, open_task

pytestmark = pytest.mark.postgres
AUDIT = Grounds.audit("Kiểm tra dữ liệu mẫu")


def test_the_demo_applicants_have_their_papers_and_seeding_twice_adds_nothing(
    engine: Engine, officers: Officers
) -> None:
    seeded = seed_demo_applicants(engine)
    seed_demo_applicants(engine)
    assert len(seeded) == 3 and any(d.applicant.organisation for d in seeded)
    for demo in DEMO_APPLICANTS:
        identifier = demo.applicant.id_number or ""
        papers = engine.datastore.papers(identifier, officers.auditor, AUDIT)
        assert sorted(p.paper_type for p in papers) == sorted(p.paper_type for p in demo.papers)
        assert {p.source for p in papers} == {"demo"}
        assert all(engine.files.exists(p.sha256) for p in papers)


def test_a_demo_certificate_of_marital_status_is_valid_six_months(
    engine: Engine, officers: Officers
) -> None:
    seed_demo_applicants(engine)
    papers = engine.datastore.papers("079190012345", officers.auditor, AUDIT)
    status = next(p for p in papers if p.paper_type == "XNTTHN")
    assert status.issued_on is not None and status.valid_until is not None
    assert (status.valid_until - status.issued_on).days in range(181, 185)


def test_a_dossier_for_a_demo_applicant_is_offered_and_takes_their_id_card(
    engine: Engine, officers: Officers
) -> None:
    seed_demo_applicants(engine)
    ngoc = DEMO_APPLICANTS[0].applicant
    offers = {
        o.component: o for o in engine.datastore.offers(BIRTH, "079190012345", officers.receiver)
    }
    (card,) = offers["GTTT"].papers
    assert card.code == "079190012345.CCCD"
    papers = [p for p in sample_components(engine, BIRTH) if p.code != "GTTT"]
    papers.append(SubmittedComponent("GTTT", reused_from=card.code))
    code = engine.runtime.receive(BIRTH, ngoc, officers.receiver, components=papers).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)  # all scanned


def test_sample_components_scan_what_must_be_digitised(engine: Engine) -> None:
    papers = {p.code: p for p in sample_components(engine, BIRTH)}
    assert sorted(papers) == ["GCS", "GTTT", "TK"]  # the required ones
    assert papers["TK"].file_key and papers["GCS"].file_key and papers["GTTT"].file_key is None
    assert engine.files.exists(papers["TK"].file_key)
