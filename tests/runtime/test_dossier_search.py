"""Finding dossiers: filters, the reader's scope, keyset pages newest first, safe search."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from engine.clock import FakeClock
from engine.runtime.dossier import Applicant
from engine.runtime.dossier_search import DossierFilter, DossierScope
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand

from .conftest import BIRTH_PAPERS, Officers, at, open_task

pytestmark = pytest.mark.postgres

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Hoàng Đức", "Phạm Ngọc Ánh", "Đỗ Minh Quân"]


@pytest.fixture
def received(engine: Engine, officers: Officers, clock: FakeClock) -> list[str]:
    """Five birth registrations received an hour apart, oldest first."""
    codes = []
    for name in NAMES:
        outcome = engine.runtime.receive(
            "1.001193", Applicant(name), officers.receiver, components=BIRTH_PAPERS
        )
        assert outcome.dossier_code is not None
        codes.append(outcome.dossier_code)
        clock.advance(timedelta(hours=1))
    return codes


def codes_of(engine: Engine, where: DossierFilter) -> list[str]:
    return [item.code for item in engine.runtime.search(where).items]


def test_newest_dossiers_come_first(engine: Engine, received: list[str]) -> None:
    assert codes_of(engine, DossierFilter()) == received[::-1]


def test_pages_follow_each_other_without_gaps_or_repeats(
    engine: Engine, received: list[str]
) -> None:
    first = engine.runtime.search(DossierFilter(), limit=2)
    second = engine.runtime.search(DossierFilter(), first.next_cursor, limit=2)
    third = engine.runtime.search(DossierFilter(), second.next_cursor, limit=2)
    pages = [first, second, third]
    assert [[i.code for i in page.items] for page in pages] == [
        received[4:2:-1],
        received[2:0:-1],
        received[0:1],
    ]
    assert third.next_cursor is None


def test_a_dossier_received_while_paging_does_not_shift_later_pages(
    engine: Engine, officers: Officers, received: list[str]
) -> None:
    first = engine.runtime.search(DossierFilter(), limit=2)
    engine.runtime.receive(
        "1.001193", Applicant("Mới Đến"), officers.receiver, components=BIRTH_PAPERS
    )
    second = engine.runtime.search(DossierFilter(), first.next_cursor, limit=2)
    assert [i.code for i in second.items] == [received[2], received[1]]


def test_filters_by_status_procedure_and_received_window(
    engine: Engine, officers: Officers, received: list[str]
) -> None:
    engine.runtime.withdraw(received[1], officers.receiver, "Công dân xin rút")
    assert codes_of(engine, DossierFilter(statuses={"withdrawn"})) == [received[1]]
    assert codes_of(engine, DossierFilter(procedure_code="1.000001")) == []
    window = DossierFilter(received_from=at(7, 9), received_before=at(7, 11))
    assert codes_of(engine, window) == [received[2], received[1]]


def test_search_ignores_diacritics_and_unicode_form(engine: Engine, received: list[str]) -> None:
    combining = unicodedata.normalize("NFD", "lê hoàng đức")
    assert codes_of(engine, DossierFilter(query=combining)) == [received[2]]
    assert codes_of(engine, DossierFilter(query="LE HOANG DUC")) == [received[2]]
    assert codes_of(engine, DossierFilter(query="Đỗ Minh")) == [received[4]]


def test_search_finds_a_code_by_its_prefix(engine: Engine, received: list[str]) -> None:
    assert codes_of(engine, DossierFilter(query=received[3].lower())) == [received[3]]


@pytest.mark.parametrize(
    "hostile", ["' OR '1'='1", "%", "_", "x'; DROP TABLE dossiers; --", "\\", '"; --']
)
def test_sql_in_a_search_finds_nothing_and_breaks_nothing(
    engine: Engine, received: list[str], hostile: str
) -> None:
    assert codes_of(engine, DossierFilter(query=hostile)) == []
    assert len(codes_of(engine, DossierFilter())) == len(received)


def test_a_scope_limits_to_agencies_or_to_dossiers_a_unit_worked_on(
    engine: Engine, officers: Officers, received: list[str]
) -> None:
    assert codes_of(engine, DossierFilter(scope=DossierScope(agencies=frozenset()))) == []
    own = DossierScope(agencies=frozenset({"ubnd_xa"}))
    assert len(codes_of(engine, DossierFilter(scope=own))) == 5
    engine.tasks.complete(open_task(engine, received[0], "tiep_nhan"), officers.receiver)
    justice = DossierScope(agencies=frozenset(), unit_id="tu_phap")
    assert codes_of(engine, DossierFilter(scope=justice)) == [received[0]]


def test_a_forged_cursor_is_an_invalid_command(engine: Engine) -> None:
    with pytest.raises(InvalidCommand):
        engine.runtime.search(DossierFilter(), cursor="not-a-cursor")
