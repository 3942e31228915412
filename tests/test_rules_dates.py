"""Date rules: formats, not in the future, the 16th birthday boundary, month-only fields."""

from datetime import date

import pytest

from shared_models.rules.dates import (
    birthday_at,
    date_error,
    format_date,
    format_month,
    month_error,
    parse_date,
    parse_month,
)

TODAY = date(2026, 11, 28)
BORN = date(1990, 3, 7)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2020-07-01", date(2020, 7, 1)), ("2020/7/1", date(2020, 7, 1)), ("2020年7月1日", date(2020, 7, 1)),
     ("2020.07.01", date(2020, 7, 1)), ("2024-02-29", date(2024, 2, 29)), ("２０２０-07-01", date(2020, 7, 1))],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2023-02-29", "2020-13-01", "2020-00-10", "20200701", "2020-07", "abc", ""])
def test_parse_date_refuses(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2020-07", date(2020, 7, 1)), ("2020-7", date(2020, 7, 1)), ("2020年7月", date(2020, 7, 1)),
     ("2020-07-15", date(2020, 7, 1))],
)
def test_parse_month(raw, expected):
    assert parse_month(raw) == expected


@pytest.mark.parametrize("raw", ["2020-13", "2020", "07-2020", "2020-02-30"])
def test_parse_month_refuses(raw):
    assert parse_month(raw) is None


def test_birthday_at_handles_29_february():
    assert birthday_at(date(2000, 2, 29), 17) == date(2017, 3, 1)
    assert birthday_at(date(2000, 2, 29), 16) == date(2016, 2, 29)
    assert birthday_at(BORN, 16) == date(2006, 3, 7)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (TODAY, None),
        (date(2026, 11, 29), "毕业时间不能晚于今天"),
        (date(2006, 3, 7), None),  # exactly the 16th birthday
        (date(2006, 3, 6), "毕业时间应在年满16周岁之后"),
        (date(1899, 12, 31), "毕业时间不能早于1900年"),
    ],
)
def test_date_error_boundaries(value, message):
    assert date_error(value, "毕业时间", today=TODAY, born=BORN, min_age=16) == message


def test_date_error_without_known_birth_date_checks_only_the_range():
    assert date_error(date(1950, 1, 1), "毕业时间", today=TODAY, born=None, min_age=16) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(2026, 11, 1), None),  # this month
        (date(2026, 12, 1), "入职时间不能晚于本月"),
        (date(2006, 3, 1), None),  # the month of the 16th birthday
        (date(2006, 2, 1), "入职时间应在年满16周岁之后"),
    ],
)
def test_month_error_boundaries(value, message):
    assert month_error(value, "入职时间", today=TODAY, born=BORN, min_age=16) == message


def test_month_not_before_birth():
    assert month_error(date(1990, 2, 1), "入学时间", today=TODAY, born=BORN, min_age=0) == "入学时间不能早于出生日期"
    assert month_error(date(1990, 3, 1), "入学时间", today=TODAY, born=BORN, min_age=0) is None


def test_display_formats():
    assert format_date("2020-07-01") == "2020年7月1日"
    assert format_month("2020-07") == "2020年7月"
    assert format_date("garbage") == "garbage"
