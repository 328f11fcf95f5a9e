"""How the forms write dates, times, money and names."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from forms.document_text import date_line, day_month_year, money, nfc, short_date, time_and_date

from .conftest import vn


def test_date_line_reads_place_then_day_month_year():
    assert date_line("Phước Lộc", date(2026, 11, 24)) == "Phước Lộc, ngày 24 tháng 11 năm 2026"


def test_days_below_ten_and_january_february_get_a_leading_zero():
    assert day_month_year(date(2027, 2, 3)) == "ngày 03 tháng 02 năm 2027"
    assert day_month_year(date(2027, 1, 15)) == "ngày 15 tháng 01 năm 2027"


def test_months_from_march_have_no_leading_zero():
    assert day_month_year(date(2027, 3, 5)) == "ngày 05 tháng 3 năm 2027"


def test_time_is_shown_to_the_minute_in_vietnam_time():
    assert (
        time_and_date(datetime(2027, 2, 3, 1, 15, tzinfo=UTC)) == "08 giờ 15 phút, ngày 03/02/2027"
    )


def test_date_line_takes_the_vietnam_date_of_a_utc_moment():
    late_evening_utc = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)  # 01:30 on the 24th in Vietnam
    assert date_line("Phước Lộc", late_evening_utc) == "Phước Lộc, ngày 24 tháng 11 năm 2026"


def test_absent_times_print_nothing():
    assert time_and_date(None) == ""
    assert short_date(None) == ""


def test_short_date_of_a_moment_is_its_vietnam_date():
    assert short_date(vn(2026, 10, 21, 23, 59)) == "21/10/2026"


def test_money_separates_thousands_with_dots():
    assert money(50_000) == "50.000 đồng"
    assert money(1_250_000) == "1.250.000 đồng"
    assert money(500) == "500 đồng"


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    assert nfc(decomposed) == "Nguyễn Thị Hồng Nhung"
