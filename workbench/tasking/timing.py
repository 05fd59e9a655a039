"""When a problem's offences happen: aoristic weekday-by-hour weights and the peak they show.

An offence is rarely timed to the minute: a burglary is "between 08:00 and 18:00". Aoristic
analysis spreads each offence's weight of one evenly over the hours of its
``committed_from``..``committed_to`` window, so a peak reflects every offence's possible
times rather than the start of each window. A peak is only called from enough offences
(:data:`MIN_PEAK_OFFENCES`); below that the summary says there are too few.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Fewer offences than this are too few to call a day or time-of-day peak.
MIN_PEAK_OFFENCES = 8
#: Hours in the time-of-day block a peak is reported as (e.g. ``18:00-22:00``).
PEAK_BLOCK_HOURS = 4
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK = 7 * 24


def aoristic_week(starts: pd.Series, ends: pd.Series) -> np.ndarray:
    """A 7 x 24 array (Monday first) of offence weight by weekday and hour: each offence's
    weight of one is spread evenly over the whole hours its window touches (a window with
    no or a reversed end counts in its start hour)."""
    weights = np.zeros(_WEEK)
    start = pd.to_datetime(starts).dt.floor("h")
    end = pd.to_datetime(ends)
    end = end.where(end > start, start).dt.ceil("h")
    hours = np.maximum(1, ((end - start) / pd.Timedelta(hours=1)).to_numpy(dtype=float).round().astype(int))
    first = (start.dt.day_of_week * 24 + start.dt.hour).to_numpy(dtype=int)
    for h0, n in zip(first, hours):
        whole, rest = divmod(int(n), _WEEK)
        if whole:
            weights += whole / n
        np.add.at(weights, (h0 + np.arange(rest)) % _WEEK, 1.0 / n)
    return weights.reshape(7, 24)


def peak(starts: pd.Series, ends: pd.Series) -> dict:
    """The aoristic peak day and four-hour block of a set of offences, with their share of
    the weight; ``day`` and ``hours`` are None when there are too few offences to call one."""
    count = len(starts)
    out = {"offences": count, "method": "aoristic", "min_offences": MIN_PEAK_OFFENCES,
           "day": None, "hours": None, "day_share": None, "hours_share": None}
    if count < MIN_PEAK_OFFENCES:
        return out
    week = aoristic_week(starts, ends)
    by_day, by_hour = week.sum(axis=1), week.sum(axis=0)
    blocks = [sum(by_hour[(h + k) % 24] for k in range(PEAK_BLOCK_HOURS)) for h in range(24)]
    first = max(range(24), key=lambda h: (round(blocks[h], 9), by_hour[h]))
    day = int(np.argmax(by_day))
    out.update(day=DAYS[day], hours=f"{first:02d}:00-{(first + PEAK_BLOCK_HOURS) % 24:02d}:00",
               day_share=round(float(by_day[day]) / count, 3), hours_share=round(float(blocks[first]) / count, 3))
    return out


def peak_text(timing: dict) -> str:
    """The peak in a sentence that states how many offences it rests on."""
    n = timing["offences"]
    if timing["day"] is None:
        return (f"Too few offences ({n}) to call a peak day or time: at least {timing['min_offences']} "
                "are needed.")
    return (f"Weighting each of the {n} offences over its recorded time window (aoristic), offences peak on "
            f"{timing['day']}s ({timing['day_share']:.0%} of the weight) and in the hours {timing['hours']} "
            f"({timing['hours_share']:.0%}).")
