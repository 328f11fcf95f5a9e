"""The rates, hand-checked on a month of dossiers built through the engine."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from engine.clock import FakeClock
from engine.digitisation.access import Grounds
from engine.digitisation.commands import RecordPayment
from engine.digitisation.rates import Period, Ratio
from engine.digitisation.service import ResultFile
from engine.files import FileStore
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from .conftest import (
    BIRTH,
    CITIZEN,
    CORRECTION,
    OTHER_CITIZEN,
    VN,
    Officers,
    open_task,
    process_to_result,
    put,
    scanned,
)

pytestmark = pytest.mark.postgres
DECEMBER = Period(datetime(2026, 12, 1, tzinfo=VN), datetime(2027, 1, 1, tzinfo=VN))


def receive(
    engine: Engine,
    actor: Actor,
    procedure: str,
    papers: list[SubmittedComponent],
    channel: Channel = Channel.DESK,
    applicant: Applicant = CITIZEN,
) -> str:
    code = engine.runtime.receive(procedure, applicant, actor, channel, papers).dossier_code
    assert code is not None
    return code


def build_month(engine: Engine, officers: Officers, files: FileStore, clock: FakeClock) -> None:
    """December: A digitised with reuse; B online, returned on paper; C reuses A's result and
    pays online; D pays cash; E refused at reception; F received in January."""
    card = engine.datastore.store(
        CITIZEN, "CCCD", put(files, "cccd"), officers.receiver, Grounds.reception(BIRTH)
    ).code
    a = receive(
        engine,
        officers.receiver,
        BIRTH,
        [scanned(files, "TK"), scanned(files, "GCS"), SubmittedComponent("GTTT", reused_from=card)],
    )
    process_to_result(engine, officers, a, clock)
    certificate = engine.digitisation.attach_result(
        a, officers.receiver, ResultFile(put(files, "gks"))
    )
    engine.runtime.return_result(a, officers.receiver)

    b = receive(
        engine,
        officers.receiver,
        BIRTH,
        [scanned(files, "TK"), scanned(files, "GCS"), SubmittedComponent("GTTT")],
        Channel.ONLINE,
        OTHER_CITIZEN,
    )
    process_to_result(engine, officers, b, clock)
    engine.runtime.return_result(b, officers.receiver)

    c = receive(
        engine,
        officers.receiver,
        CORRECTION,
        [
            scanned(files, "TK"),
            SubmittedComponent("GKS", reused_from=certificate),
            SubmittedComponent("GTTT", reused_from=card),
        ],
    )
    paid = RecordPayment("online", 15000, clock.now().isoformat(), "FT2612070001", "MC1")
    engine.execute(c, paid, Actor.system())

    d = receive(
        engine,
        officers.receiver,
        CORRECTION,
        [scanned(files, "TK"), scanned(files, "GKS"), SubmittedComponent("GTTT")],
    )
    engine.payments.record(d, officers.receiver, "cash", reference="BL-1")

    engine.runtime.refuse_at_reception(
        BIRTH, OTHER_CITIZEN, officers.receiver, "Không thuộc thẩm quyền"
    )

    clock.set(datetime(2027, 1, 4, 8, 0, tzinfo=VN))
    receive(
        engine,
        officers.receiver,
        CORRECTION,
        [scanned(files, "TK"), scanned(files, "GKS"), SubmittedComponent("GTTT")],
        Channel.ONLINE,
    )
    assert open_task(engine, d, "tiep_nhan")


def test_the_months_rates_are_as_counted_by_hand(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    build_month(engine, officers, files, clock)
    rates = engine.digitisation.rates(DECEMBER)
    assert (rates.received, rates.with_result) == (4, 2)  # A B C D; A and B have results
    assert rates.channels == {"desk": 3, "online": 1, "post": 0, "kiosk": 0}
    assert (rates.digitisation.numerator, rates.digitisation.denominator) == (1, 2)  # A
    assert (rates.electronic_result.numerator, rates.electronic_result.denominator) == (1, 2)
    assert (rates.reuse.numerator, rates.reuse.denominator) == (2, 4)  # A and C
    assert (rates.online.numerator, rates.online.denominator) == (1, 4)  # B
    assert (rates.online_payment.numerator, rates.online_payment.denominator) == (1, 2)  # C of C D
    assert (rates.payments_online.numerator, rates.payments_online.denominator) == (1, 2)
    assert rates.online.value == Decimal("0.2500") and rates.online.meets_target is False
    assert str(rates.reuse) == "50,0 % (2/4)" and rates.reuse.meets_target is True


def test_a_rate_over_nothing_is_not_computable(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    build_month(engine, officers, files, clock)
    november = Period(datetime(2026, 11, 1, tzinfo=VN), datetime(2026, 12, 1, tzinfo=VN))
    rates = engine.digitisation.rates(november)
    for name, ratio in rates.ratios().items():
        assert (ratio.computable, ratio.value, ratio.meets_target) == (False, None, None), name
        assert str(ratio) == "không tính được"
    january = engine.digitisation.rates(
        Period(datetime(2027, 1, 1, tzinfo=VN), datetime(2027, 2, 1, tzinfo=VN))
    )
    assert january.online.value == Decimal(1) and not january.digitisation.computable


def test_rates_per_agency_and_per_level(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    tax = engine.users.create("thue", "Huỳnh Thị Lan", "thue_nghiep_vu", ["officer"]).actor
    receive(engine, tax, "1.999001", [scanned(files, "TK")], Channel.ONLINE)
    clock.advance(timedelta(minutes=1))
    build_month(engine, officers, files, clock)
    by_agency = engine.digitisation.rates_by(DECEMBER, "agency")
    assert sorted(by_agency) == ["cuc_thue", "ubnd_xa"]
    assert (by_agency["cuc_thue"].received, by_agency["ubnd_xa"].received) == (1, 4)
    assert by_agency["cuc_thue"].online.value == Decimal(1)
    assert not by_agency["cuc_thue"].online_payment.computable  # no fee there
    by_level = engine.digitisation.rates_by(DECEMBER, "level")
    assert {level: r.received for level, r in by_level.items()} == {"huyen": 1, "xa": 4}
    only_tax = engine.digitisation.rates(DECEMBER, agency_id="cuc_thue")
    assert only_tax.received == 1 and engine.digitisation.rates(DECEMBER, level="xa").received == 4


def test_a_ratio_rounds_half_up_to_four_places() -> None:
    assert Ratio(2, 3, Decimal("0.5")).value == Decimal("0.6667")
    assert str(Ratio(1, 8, Decimal("0.5"))) == "12,5 % (1/8)"


def test_a_period_must_be_aware_and_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(datetime(2026, 12, 1), datetime(2027, 1, 1))
    with pytest.raises(ValueError):
        Period(DECEMBER.end, DECEMBER.start)


def test_grouping_by_something_else_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError):
        engine.digitisation.rates_by(DECEMBER, "officer")
