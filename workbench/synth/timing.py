"""When synthetic offences happen and how precisely the record says so.

Times are minutes since the first day of the period (floats). The true time follows the
category's day-of-week x hour-of-day profile; the recorded time is an exact time, a date
only, or a window of hours around it (a burglary found when the householder came home),
as crime records really are.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from workbench.synth.profiles import Category, day_hour_weights

MINUTES_PER_DAY = 1440


def weekdays(start: date, days: int) -> np.ndarray:
    """Day of the week (Monday=0) of each day of the period."""
    return (start.weekday() + np.arange(days)) % 7


def sample_times(cat: Category, n: int, start: date, days: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` true times (minutes from ``start``): the category's weekly profile and season."""
    amplitude, peak = cat.season
    day_of_year = (start.timetuple().tm_yday + np.arange(days)) % 365
    season = 1.0 + amplitude * np.cos(2 * np.pi * (day_of_year - peak) / 365.0)
    weights = (day_hour_weights(cat)[weekdays(start, days)] * season[:, None]).ravel()
    slot = rng.choice(len(weights), n, p=weights / weights.sum())
    return slot * 60.0 + rng.uniform(0, 60, n)


def sample_hours(cat: Category, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` hours of the day (fractional) from the category's hour profile."""
    return rng.choice(24, n, p=cat.hour) + rng.uniform(0, 1, n)


def windows(cat: Category, t: np.ndarray, rng: np.random.Generator):
    """Recorded windows around true times ``t``: (from, to, date_only), minutes.

    Exact times are kept to the minute; windows are rounded outwards to 5 minutes and
    never start before the period; date-only records cover the whole day.
    """
    n = len(t)
    w = cat.window
    u = rng.random(n)
    exact = u < w.exact
    date_only = ~exact & (u < w.exact + w.date_only)
    length = np.minimum(rng.lognormal(np.log(w.median_hours * 60), w.sigma, n), w.max_hours * 60)
    lo = t - rng.uniform(0, 1, n) * length
    hi = lo + length
    lo = np.floor(lo / 5) * 5
    hi = np.ceil(hi / 5) * 5
    lo = np.where(exact, np.floor(t), lo)
    hi = np.where(exact, np.floor(t), hi)
    day_start = np.floor(t / MINUTES_PER_DAY) * MINUTES_PER_DAY
    lo = np.where(date_only, day_start, lo)
    hi = np.where(date_only, day_start + MINUTES_PER_DAY - 1, hi)
    lo = np.maximum(lo, 0)
    return lo, hi, date_only


def reported(cat: Category, t: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """When each offence was reported: after the window closed (or the offence happened)."""
    delay = rng.lognormal(np.log(cat.report_delay_h * 60), 1.1, len(t))
    return np.ceil(np.maximum(hi, t) + 5 + delay)


def stamps(start: date, minutes: np.ndarray, date_only: np.ndarray | None = None) -> np.ndarray:
    """ISO 8601 local times (``YYYY-MM-DDTHH:MM``), or dates where ``date_only``."""
    base = np.datetime64(start, "m")
    when = skip_clock_change(base + minutes.astype(np.int64).astype("timedelta64[m]"))
    text = np.datetime_as_string(when, unit="m").astype(object)
    if date_only is not None and date_only.any():
        text[date_only] = np.datetime_as_string(when[date_only], unit="D").astype(object)
    return text


def skip_clock_change(when: np.ndarray) -> np.ndarray:
    """Move times in the hour that does not exist in London (01:00-01:59 on the last
    Sunday of March, when the clocks go forward) to 02:00, the first time that does.

    The map never reverses the order of two times, so windows stay valid."""
    years = np.unique(when.astype("datetime64[Y]").astype(int) + 1970)
    for year in years:
        march_31 = date(int(year), 3, 31)
        sunday = march_31 - timedelta(days=(march_31.weekday() + 1) % 7)
        gap = np.datetime64(sunday, "m") + np.timedelta64(60, "m")
        inside = (when >= gap) & (when < gap + np.timedelta64(60, "m"))
        when = np.where(inside, gap + np.timedelta64(60, "m"), when)
    return when
