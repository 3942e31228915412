"""Date rules of the spec: YYYY-MM-DD and YYYY-MM values, not in the future, after the 16th birthday."""

from __future__ import annotations

import re
from datetime import date

EARLIEST = date(1900, 1, 1)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:[-/.月](\d{1,2})日?)?$")


def parse_date(value: str) -> date | None:
    """A calendar date from YYYY-MM-DD (also 2020/1/2, 2020年1月2日); None when it is not one."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_month(value: str) -> date | None:
    """The first day of the month of YYYY-MM (a full date is accepted and truncated to its month)."""
    match = _MONTH.match(value.strip())
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return None
    return day.replace(day=1)


def birthday_at(born: date, years: int) -> date:
    """The date someone born on `born` turns `years` old (29 February → 1 March in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def date_error(value: date, name: str, *, today: date, born: date | None, min_age: int | None) -> str | None:
    """The message for a full date outside its allowed range, or None."""
    if value > today:
        return f"{name}不能晚于今天"
    if value < EARLIEST:
        return f"{name}不能早于1900年"
    if born is not None and min_age is not None:
        limit = birthday_at(born, min_age)
        if value < limit:
            return _age_message(name, min_age)
    return None


def month_error(value: date, name: str, *, today: date, born: date | None, min_age: int | None) -> str | None:
    """The message for a month (given as its first day) outside its allowed range, or None.

    A month is allowed when any day of it is: the month of the 16th birthday itself is accepted."""
    if value > today.replace(day=1):
        return f"{name}不能晚于本月"
    if value < EARLIEST:
        return f"{name}不能早于1900年"
    if born is not None and min_age is not None:
        limit = birthday_at(born, min_age).replace(day=1)
        if value < limit:
            return _age_message(name, min_age)
    return None


def _age_message(name: str, min_age: int) -> str:
    if min_age == 0:
        return f"{name}不能早于出生日期"
    return f"{name}应在年满{min_age}周岁之后"


def format_date(value: str) -> str:
    """2020-01-02 → 2020年1月2日 (summary display); unparseable values are returned unchanged."""
    day = parse_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else value


def format_month(value: str) -> str:
    """2020-01 → 2020年1月."""
    month = parse_month(value)
    return f"{month.year}年{month.month}月" if month else value
