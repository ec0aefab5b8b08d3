"""Vietnamese display of dates, numbers, money and shares."""

from __future__ import annotations

import datetime as dt

from tracker.web.formatting import vn_date, vn_datetime, vn_money, vn_number, vn_percent


def test_numbers_group_thousands_with_dots() -> None:
    assert vn_number(0) == "0"
    assert vn_number(999) == "999"
    assert vn_number(1000) == "1.000"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(-1234567) == "-1.234.567"
    assert vn_number(1234.5, 1) == "1.234,5"
    assert vn_number(None) == "—"


def test_money_in_dong() -> None:
    assert vn_money(1234567) == "1.234.567 ₫"
    assert vn_money(0) == "0 ₫"


def test_percent_of_a_share() -> None:
    assert vn_percent(0.125) == "12,5%"
    assert vn_percent(0.5) == "50%"
    assert vn_percent(1) == "100%"
    assert vn_percent(None) == "—"


def test_dates_are_day_month_year_in_vietnam_time() -> None:
    assert vn_date(dt.date(2026, 3, 7)) == "07/03/2026"
    # 18:30 UTC on 7 March is already 8 March in Vietnam (UTC+7).
    late = dt.datetime(2026, 3, 7, 18, 30, tzinfo=dt.UTC)
    assert vn_date(late) == "08/03/2026"
    assert vn_datetime(late) == "08/03/2026 01:30"
    assert vn_date(None) == "—"
