"""ISO 8601 dates and times as the offence and intelligence formats define them.

Values without an offset are Europe/London local time; values with one (``Z``,
``+01:00``) are converted to Europe/London. Everything is stored as local wall-clock
ISO text ``YYYY-MM-DDTHH:MM:SS``, which sorts, and which is what analysts read.
A date with no time stands for the whole day: as a window start it is 00:00:00, as a
window end 23:59:59.

Only years from 1900 to 9999 are dates here (:data:`FIRST_YEAR`): a year 1 or 9999 with an
offset cannot even be converted to London time, and such a value in the store would break
every analysis that reads dates, so it is a :class:`BadDate` like any other bad value.
Events (offences, reports) cannot happen after the import that brings them in:
:func:`not_after` rejects those.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workbench.errors import BadInput

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR = 1900


class BadDate(BadInput):
    """A value that is not an ISO 8601 date or date-time."""


def parse_when(text: str, *, end_of_day: bool = False) -> tuple[str, bool]:
    """Parse ``text``; return (local ISO text, was_date_only).

    >>> parse_when("2025-03-01T18:00")
    ('2025-03-01T18:00:00', False)
    >>> parse_when("2025-03-01", end_of_day=True)
    ('2025-03-01T23:59:59', True)
    >>> parse_when("2025-07-01T12:00Z")
    ('2025-07-01T13:00:00', False)
    """
    value = text.strip()
    if len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise BadDate(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
        stamp = datetime(day.year, day.month, day.day, 23, 59, 59) if end_of_day else datetime(day.year, day.month, day.day)
        return _in_range(text, stamp).isoformat(), True
    try:
        stamp = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise BadDate(f"{text!r} is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM)") from None
    if stamp.tzinfo is not None:
        try:
            stamp = stamp.astimezone(LONDON).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise BadDate(f"{text!r} is out of range (years {FIRST_YEAR} to 9999)") from None
    return _in_range(text, stamp).replace(microsecond=0).isoformat(), False


def _in_range(text: str, stamp: datetime) -> datetime:
    if stamp.year < FIRST_YEAR:
        raise BadDate(f"{text!r} is out of range (years {FIRST_YEAR} to 9999)")
    return stamp


def london_now() -> str:
    """The current London wall-clock time as stored ISO text (``YYYY-MM-DDTHH:MM:SS``)."""
    return datetime.now(LONDON).replace(tzinfo=None, microsecond=0).isoformat()


def not_after(column: str, stamp: str, now: str) -> None:
    """BadDate when the stored time ``stamp`` of ``column`` is later than ``now`` (the
    import's start): an offence or report cannot come from the future.

    >>> try:
    ...     not_after("committed_from", "2031-01-01T00:00:00", "2026-11-30T06:30:00")
    ... except BadDate as exc:
    ...     print(exc)
    committed_from 2031-01-01 00:00 is after the import time (2026-11-30 06:30); dates in the future are rejected
    """
    if stamp > now:
        raise BadDate(f"{column} {stamp[:16].replace('T', ' ')} is after the import time "
                      f"({now[:16].replace('T', ' ')}); dates in the future are rejected")


def month_window(text: str) -> tuple[str, str]:
    """The window covering a ``YYYY-MM`` month: first second to last second.

    >>> month_window("2017-02")
    ('2017-02-01T00:00:00', '2017-02-28T23:59:59')
    """
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        last = calendar.monthrange(year, month)[1]
    except (ValueError, calendar.IllegalMonthError):
        raise BadDate(f"{text!r} is not a month (YYYY-MM)") from None
    if not FIRST_YEAR <= year <= 9999:
        raise BadDate(f"{text!r} is out of range (years {FIRST_YEAR} to 9999)")
    return f"{year:04d}-{month:02d}-01T00:00:00", f"{year:04d}-{month:02d}-{last:02d}T23:59:59"


def period_bounds(text: str, *, end: bool = False) -> str:
    """A CLI date ``D`` (``2025-03-01`` or ``2025-03``) as a bound for filters.

    As a start it is the first moment of the day or month; as an end (``end=True``) it is
    the first moment *after* it, so ``--to 2025-03`` includes all of March.
    """
    value = text.strip()
    try:
        if len(value) == 7:
            start = datetime.strptime(value, "%Y-%m")
            if not end:
                return start.isoformat()
            nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            return nxt.isoformat()
        day = date.fromisoformat(value)
    except ValueError:
        raise BadDate(f"{text!r} is not a date (YYYY-MM-DD) or month (YYYY-MM)") from None
    stamp = datetime(day.year, day.month, day.day)
    return (stamp + timedelta(days=1)).isoformat() if end else stamp.isoformat()
