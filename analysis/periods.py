"""Reporting periods: financial and calendar quarters and years, date ranges, and their words.

Pure: no database and no clock (``today`` is passed in). Split out of ``analysis/aggregate.py``,
which still offers every name here, so callers can import from either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FINANCIAL_YEAR_START = 4  # April: YOT boards, the YJB and councils work in financial years
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # first day, inclusive
    end: date  # day after the last day, exclusive
    kind: str = "range"  # "quarter", "year" or "range"
    year_start_month: int = FINANCIAL_YEAR_START  # 1 for calendar quarters and years

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def calendar(self) -> bool:
        return self.year_start_month == 1

    @property
    def description(self) -> str:
        """What the label means, in words: "financial quarter 3 of 2026-27 (October to December 2026)"."""
        span = _span_words(self.start, self.last_day)
        if self.kind == "range":
            return span
        which = "calendar" if self.calendar else "financial"
        if self.kind == "year":
            return f"{which} year {self.label} ({span})"
        year, number = self.label.rsplit("-Q", 1)
        return f"{which} quarter {number} of {year} ({span})"

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), zone), datetime.combine(self.end, time(), zone))


def _span_words(first: date, last: date) -> str:
    if first.day == 1 and (last + timedelta(days=1)).day == 1:  # whole months
        if (first.year, first.month) == (last.year, last.month):
            return f"{_MONTHS[last.month - 1]} {last.year}"
        begin = _MONTHS[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
        return f"{begin} to {_MONTHS[last.month - 1]} {last.year}"
    return f"{first.day} {_MONTHS[first.month - 1]} {first.year} to {last.day} {_MONTHS[last.month - 1]} {last.year}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_label(first_year: int, year_start_month: int) -> str:
    """``2026-27`` for a financial year starting in April 2026; ``2026`` for a calendar one."""
    return str(first_year) if year_start_month == 1 else f"{first_year}-{(first_year + 1) % 100:02d}"


def quarter(year: int, number: int, year_start_month: int = 1) -> Period:
    """Quarter ``number`` of the year that starts in ``year_start_month`` of ``year`` (1: calendar)."""
    start = _add_months(date(year, year_start_month, 1), 3 * (number - 1))
    return Period(f"{year_label(year, year_start_month)}-Q{number}", start, _add_months(start, 3), "quarter",
                  year_start_month)


def whole_year(year: int, year_start_month: int = 1) -> Period:
    start = date(year, year_start_month, 1)
    return Period(year_label(year, year_start_month), start, _add_months(start, 12), "year", year_start_month)


def quarter_of(day: date, year_start_month: int = FINANCIAL_YEAR_START) -> Period:
    """The quarter (financial by default) that ``day`` falls in."""
    offset = (day.month - year_start_month) % 12
    first_year = day.year if day.month >= year_start_month else day.year - 1
    return quarter(first_year, offset // 3 + 1, year_start_month)


_CALENDAR_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_FINANCIAL_QUARTER = re.compile(r"^(\d{4})[-/](\d{2})-?Q([1-4])$", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"^(\d{4})[-/](\d{2})$")
_CALENDAR_YEAR = re.compile(r"^(\d{4})$")
PERIOD_EXAMPLES = ("a financial quarter like 2026-27-Q3, a financial year like 2026-27, a calendar quarter "
                   "like 2026-Q3, a calendar year like 2026, or dates like 2026-07-01..2026-09-30")


def parse_period(text: str, year_start_month: int = FINANCIAL_YEAR_START) -> Period:
    """Financial quarters and years by default; calendar ones and date ranges when asked.

    ``2026-27-Q3`` is the third quarter of the financial year starting in ``year_start_month``
    2026 (April: October to December 2026); ``2026-27`` the whole financial year; ``2026-Q3`` and
    ``2026`` are calendar; ``2026-07-01..2026-09-30`` includes both days.
    """
    text = text.strip()
    if match := _FINANCIAL_QUARTER.match(text) or _FINANCIAL_YEAR.match(text):
        first = int(match[1])
        if int(match[2]) != (first + 1) % 100:
            raise ValueError(f"period {text!r}: a financial year runs from one year into the next, "
                             f"like {first}-{(first + 1) % 100:02d}")
        if year_start_month == 1:
            raise ValueError(f"period {text!r}: the year starts in January here (HEARD_YEAR_START_MONTH=1), "
                             f"so give a calendar period like {first}-Q3 or {first}")
        return quarter(first, int(match[3]), year_start_month) if match.re is _FINANCIAL_QUARTER \
            else whole_year(first, year_start_month)
    if match := _CALENDAR_QUARTER.match(text):
        return quarter(int(match[1]), int(match[2]))
    if match := _CALENDAR_YEAR.match(text):
        return whole_year(int(match[1]))
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            start, last_day = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            raise ValueError(f"period {text!r}: dates should look like 2026-07-01..2026-09-30") from None
        if last_day < start:
            raise ValueError(f"period {text!r} ends before it starts")
        return Period(f"{start.isoformat()} to {last_day.isoformat()}", start, last_day + timedelta(days=1),
                      "range", year_start_month)
    raise ValueError(f"period {text!r} should be {PERIOD_EXAMPLES}")


def previous_quarters(period: Period, count: int = 4) -> list[Period]:
    """The ``count`` quarters ending with the one ``period`` ends in, oldest first.

    Quarters of the same kind as the period: calendar for a calendar period, else financial.
    """
    current = quarter_of(period.last_day, period.year_start_month)
    quarters = [current]
    for _ in range(count - 1):
        quarters.append(quarter_of(quarters[-1].start - timedelta(days=1), period.year_start_month))
    return quarters[::-1]


def last_full_quarter(today: date, year_start_month: int = FINANCIAL_YEAR_START) -> Period:
    """The most recent quarter (financial by default) that has ended by ``today``."""
    return quarter_of(quarter_of(today, year_start_month).start - timedelta(days=1), year_start_month)
