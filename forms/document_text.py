"""How the forms write dates, times, money and names (Decree 30/2020/NĐ-CP conventions).

Every time is shown in Vietnam's zone whatever zone it comes in; every text
is normalised to NFC so that a name typed with combining accents prints (and
searches) the same as one typed with precomposed letters.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from forms.document_catalogue import VIETNAM

__all__ = [
    "date_line",
    "day_month_year",
    "short_date",
    "time_and_date",
    "money",
    "nfc",
    "upper",
]


def nfc(text: str | None) -> str:
    """The text in Unicode NFC; an absent text is an empty one."""
    return unicodedata.normalize("NFC", text) if text else ""


def upper(text: str | None) -> str:
    """Capitals for headings and signature titles ("Ủy ban" → "ỦY BAN")."""
    return nfc(text).upper()


def local(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def day_month_year(day: date) -> str:
    """``ngày 05 tháng 3 năm 2027``: per Decree 30, days below 10 and months 1 and 2 get a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: date | datetime) -> str:
    """The place and date under the motto: ``Phước Lộc, ngày 24 tháng 11 năm 2026``."""
    if isinstance(day, datetime):
        day = local(day).date()
    return f"{nfc(place)}, {day_month_year(day)}"


def time_and_date(moment: datetime | None) -> str:
    """``08 giờ 15 phút, ngày 03/02/2027`` in Vietnam time; empty when there is no moment."""
    if moment is None:
        return ""
    at = local(moment)
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}"


def short_date(moment: datetime | date | None) -> str:
    """``03/02/2027`` (Vietnam date for a datetime); empty when absent."""
    if moment is None:
        return ""
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return f"{day:%d/%m/%Y}"


def money(amount: int) -> str:
    """``50.000 đồng``: dots between thousands, as Vietnamese writes money."""
    return f"{amount:,} đồng".replace(",", ".")
