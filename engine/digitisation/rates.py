"""Digitisation, electronic-result, reuse, online and online-payment rates (DOMAIN.md,
"Feedback, evaluation, reports"; Decision 766 and the provincial plans).

Two populations, both over a half-open period ``[start, end)``:

- **received**: dossiers received in the period (``received_at``), not counting
  those refused at reception (they were never taken in);
- **with a result**: dossiers whose processing ended with a result in the period
  (``finished_at``, status result ready or returned).

The rates, each a :class:`Ratio` with its target:

- ``digitisation``: with a result, those *digitised*: every component has a file
  and the result is electronic (target 80 %);
- ``electronic_result``: with a result, those whose result is electronic (100 %);
- ``reuse``: received, those with at least one component taken from already
  digitised data (50 %);
- ``online``: received, those submitted online (50 %);
- ``online_payment``: received with a fee, those paid online (Decision 766:
  100 % of dossiers with fees);
- ``payments_online``: received with a fee and paid, those paid online (the
  plans' "≥ 45 % of payments online").

A ratio whose population is empty is *not computable*: its ``value`` is None,
never 0 % or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from engine.runtime.dossier import DossierStatus
from engine.store.db import Database
from engine.store.models import ComponentRow, DefinitionRow, DossierRow, EventRow

__all__ = ["Period", "Ratio", "Rates", "TARGETS", "digitisation_rates", "digitisation_rates_by"]

TARGETS = {
    "digitisation": Decimal("0.80"),
    "electronic_result": Decimal("1.00"),
    "reuse": Decimal("0.50"),
    "online": Decimal("0.50"),
    "online_payment": Decimal("1.00"),
    "payments_online": Decimal("0.45"),
}
GROUPS = ("agency", "level")
_WITH_RESULT = (DossierStatus.RESULT_READY.value, DossierStatus.RETURNED.value)


@dataclass(frozen=True)
class Period:
    """Kỳ báo cáo: from ``start`` (included) to ``end`` (excluded), timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs timezone-aware start and end")
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int
    target: Decimal

    @property
    def computable(self) -> bool:
        return self.denominator > 0

    @property
    def value(self) -> Decimal | None:
        """The share (0 to 1, four decimals), or None when there is nothing to count."""
        if not self.computable:
            return None
        share = Decimal(self.numerator) / Decimal(self.denominator)
        return share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def meets_target(self) -> bool | None:
        value = self.value
        return None if value is None else value >= self.target

    def __str__(self) -> str:
        value = self.value
        if value is None:
            return "không tính được"
        percent = (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{str(percent).replace('.', ',')} % ({self.numerator}/{self.denominator})"


@dataclass(frozen=True)
class Rates:
    period: Period
    received: int
    with_result: int
    channels: dict[str, int] = field(default_factory=dict)  # received, by channel
    digitisation: Ratio = Ratio(0, 0, TARGETS["digitisation"])
    electronic_result: Ratio = Ratio(0, 0, TARGETS["electronic_result"])
    reuse: Ratio = Ratio(0, 0, TARGETS["reuse"])
    online: Ratio = Ratio(0, 0, TARGETS["online"])
    online_payment: Ratio = Ratio(0, 0, TARGETS["online_payment"])
    payments_online: Ratio = Ratio(0, 0, TARGETS["payments_online"])

    def ratios(self) -> dict[str, Ratio]:
        return {name: getattr(self, name) for name in TARGETS}


def digitisation_rates(
    database: Database, period: Period, *, agency_id: str | None = None, level: str | None = None
) -> Rates:
    """The rates over every dossier of the period, or of one agency, or one level."""
    with database.read() as session:
        rows = _aggregate(session, period, None, agency_id, level)
    return _rates(period, rows.get(None, {}))


def digitisation_rates_by(database: Database, period: Period, by: str) -> dict[str, Rates]:
    """The rates per agency (``by="agency"``) or per level (``"level"``: tinh, huyen, xa)."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {', '.join(GROUPS)}, not {by!r}")
    with database.read() as session:
        rows = _aggregate(session, period, by, None, None)
    return {str(key): _rates(period, counts) for key, counts in sorted(rows.items())}


def _per_dossier(period: Period, agency_id: str | None, level: str | None) -> Any:
    """One row per dossier of the period: what it is, and its components counted."""
    refused_at_reception = exists().where(
        EventRow.dossier_id == DossierRow.id,
        EventRow.seq == 1,
        EventRow.command == "refuse_at_reception",
    )
    in_period = DossierRow.received_at.between(
        period.start, period.end
    ) | DossierRow.finished_at.between(period.start, period.end)
    query = (
        select(
            DossierRow.id,
            DossierRow.agency_id.label("agency"),
            DefinitionRow.level.label("level"),
            DossierRow.channel,
            DossierRow.status,
            DossierRow.received_at,
            DossierRow.finished_at,
            DossierRow.fee_due,
            DossierRow.payment_method,
            DossierRow.electronic_result,
            func.count(ComponentRow.id).label("components"),
            func.count(ComponentRow.sha256).label("with_file"),
            func.count(ComponentRow.reused_from).label("reused"),
        )
        .join(DefinitionRow, DefinitionRow.id == DossierRow.definition_id)
        .outerjoin(ComponentRow, ComponentRow.dossier_id == DossierRow.id)
        .where(in_period, ~refused_at_reception)
        .group_by(DossierRow.id, DefinitionRow.level)
    )
    if agency_id is not None:
        query = query.where(DossierRow.agency_id == agency_id)
    if level is not None:
        query = query.where(DefinitionRow.level == level)
    return query.subquery()


def _aggregate(
    session: Session, period: Period, by: str | None, agency_id: str | None, level: str | None
) -> dict[Any, dict[str, int]]:
    per = _per_dossier(period, agency_id, level)
    received = and_(per.c.received_at >= period.start, per.c.received_at < period.end)
    resulted = and_(
        per.c.finished_at >= period.start,
        per.c.finished_at < period.end,
        per.c.status.in_(_WITH_RESULT),
    )
    fee = and_(received, per.c.fee_due > 0)
    paid_online = per.c.payment_method == "online"
    counts = {
        "received": received,
        "online": and_(received, per.c.channel == "online"),
        "post": and_(received, per.c.channel == "post"),
        "desk": and_(received, per.c.channel == "desk"),
        "kiosk": and_(received, per.c.channel == "kiosk"),
        "reused": and_(received, per.c.reused > 0),
        "with_fee": fee,
        "paid": and_(fee, per.c.payment_method.is_not(None)),
        "paid_online": and_(fee, paid_online),
        "with_result": resulted,
        "electronic": and_(resulted, per.c.electronic_result),
        "digitised": and_(resulted, per.c.electronic_result, per.c.with_file == per.c.components),
    }
    columns = [
        func.coalesce(func.sum(case((test, 1), else_=0)), 0).label(name)
        for name, test in counts.items()
    ]
    key = per.c[by] if by is not None else None
    query = select(*([key] if key is not None else []), *columns)
    if key is not None:
        query = query.group_by(key)
    result: dict[Any, dict[str, int]] = {}
    for row in session.execute(query):
        values = row._mapping
        group = values[by] if by is not None else None
        result[group] = {name: int(values[name]) for name in counts}
    return result


def _rates(period: Period, c: dict[str, int]) -> Rates:
    get = c.get
    return Rates(
        period=period,
        received=get("received", 0),
        with_result=get("with_result", 0),
        channels={ch: get(ch, 0) for ch in ("desk", "online", "post", "kiosk")},
        digitisation=Ratio(get("digitised", 0), get("with_result", 0), TARGETS["digitisation"]),
        electronic_result=Ratio(
            get("electronic", 0), get("with_result", 0), TARGETS["electronic_result"]
        ),
        reuse=Ratio(get("reused", 0), get("received", 0), TARGETS["reuse"]),
        online=Ratio(get("online", 0), get("received", 0), TARGETS["online"]),
        online_payment=Ratio(get("paid_online", 0), get("with_fee", 0), TARGETS["online_payment"]),
        payments_online=Ratio(get("paid_online", 0), get("paid", 0), TARGETS["payments_online"]),
    )
