"""The digitised-paper code: <identifier>.<paper type>[.n], unique under concurrency."""

from __future__ import annotations

import threading

import pytest

from engine.digitisation.codes import PaperCode, applicant_kind, next_paper_code
from engine.store.db import Database


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("079190001234.GKS", PaperCode("079190001234", "GKS")),
        ("079190001234.GKS.2", PaperCode("079190001234", "GKS", 2)),
        ("0101234567-001.GCNHKD.12", PaperCode("0101234567-001", "GCNHKD", 12)),
        ("4101234567.QDGD", PaperCode("4101234567", "QDGD")),
    ],
)
def test_a_code_reads_back_as_written(text: str, parsed: PaperCode) -> None:
    assert PaperCode.parse(text) == parsed
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text", ["079190001234", "079190001234.gks", "079190001234.GKS.1", "0791.GKS", "x.GKS.2"]
)
def test_what_is_not_a_code(text: str) -> None:
    assert PaperCode.parse(text) is None


def test_the_first_paper_of_a_type_has_no_suffix() -> None:
    assert str(PaperCode("079190001234", "CCCD", 1)) == "079190001234.CCCD"


def test_identifiers_tell_citizens_from_organisations() -> None:
    assert applicant_kind("079190001234") == "citizen"
    assert applicant_kind("4101234567") == "organisation"
    assert applicant_kind("0101234567-001") == "organisation"
    assert applicant_kind("12345") is None


@pytest.mark.postgres
def test_codes_count_up_per_applicant_and_type(database: Database) -> None:
    with database.write() as session:
        numbers = [next_paper_code(session, "079190001234", "GKS").number for _ in range(3)]
        other = next_paper_code(session, "079190001234", "CCCD")
    assert numbers == [1, 2, 3] and other.number == 1


@pytest.mark.postgres
def test_officers_scanning_at_once_never_get_the_same_code(database: Database) -> None:
    workers, each = 6, 5
    start = threading.Barrier(workers)
    found: list[int] = []
    lock = threading.Lock()

    def scan() -> None:
        start.wait()
        for _ in range(each):
            with database.write() as session:
                number = next_paper_code(session, "079190001234", "GCNQSDD").number
            with lock:
                found.append(number)

    threads = [threading.Thread(target=scan) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(found) == list(range(1, workers * each + 1))
