"""How each offence category behaves: volume, timing, windows, places, series, detection.

The figures are rounded from public sources (Metropolitan Police crime data dashboards,
ONS crime tables, the crime-linkage and near-repeat literature in ``DOMAIN.md``) and are
meant to look right to an analyst, not to reproduce any one borough.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def hours(base: float, *peaks: tuple[float, float, float]) -> np.ndarray:
    """A 24-hour weight profile: ``base`` plus circular Gaussian bumps (hour, height, width)."""
    h = np.arange(24) + 0.5
    out = np.full(24, base, dtype=float)
    for centre, height, width in peaks:
        d = np.abs(h - centre)
        d = np.minimum(d, 24 - d)
        out += height * np.exp(-0.5 * (d / width) ** 2)
    return out / out.sum()


FLAT_WEEK = (1.0,) * 7
#: Monday night .. Sunday night (a night runs 18:00 to 06:00 the next morning).
NIGHT_ECONOMY = (0.55, 0.6, 0.7, 0.9, 1.8, 2.1, 0.8)
WEEKDAYS = (1.08, 1.08, 1.08, 1.08, 1.05, 0.82, 0.81)
SHOPPING = (0.9, 0.9, 0.95, 1.0, 1.1, 1.3, 0.85)


@dataclass(frozen=True)
class Window:
    """How precisely the time is known: exact, date only, or a window of hours."""

    exact: float            # share recorded at an exact time
    date_only: float        # share recorded as a date only
    median_hours: float     # other offences: window length, lognormal median ...
    sigma: float = 0.7      # ... and spread
    max_hours: float = 96.0


@dataclass(frozen=True)
class Series:
    """Planted serial offending in a category."""

    share: float            # share of the category's offences committed by serial offenders
    mean_size: float        # mean offences per series (at least 3)
    gap_days: float         # mean days between offences within a spree
    radius_m: float         # median distance-decay scale around the offender's anchor


@dataclass(frozen=True)
class Category:
    name: str
    share: float                        # relative volume
    hour: np.ndarray                    # 24 weights
    dow: tuple[float, ...] = FLAT_WEEK  # daytime weight Monday..Sunday
    night_dow: tuple[float, ...] | None = None  # night weight by the night's first day
    window: Window = Window(0.85, 0.03, 1.0)
    solved: float = 0.15                # detection rate of one-off offences
    hotspot: float = 0.0                # share of one-off offences at hotspots
    hotspot_kinds: tuple[str, ...] = ()
    places: dict = field(default_factory=lambda: {"street": 1.0})
    victim: str | None = None           # victim model, see offenders.VICTIM_MODELS
    seen: float = 0.0                   # share where the victim or a witness saw the offender
    series: Series | None = None
    report_delay_h: float = 1.0         # median hours from the end of the window to the report
    season: tuple[float, int] = (0.0, 1)  # seasonal amplitude and the day of the year it peaks


TOWN, HUB, NIGHT = "town centre", "transport hub", "night-time economy"

CATEGORIES: tuple[Category, ...] = (
    Category("burglary-residential", 6.0, hours(0.35, (19.5, 1.0, 2.5), (12.5, 0.55, 2.5)), WEEKDAYS,
             window=Window(0.08, 0.05, 5.0, 0.8), solved=0.06, places={"dwelling": 1.0},
             seen=0.07, series=Series(0.36, 9.0, 4.0, 700.0), report_delay_h=0.5, season=(0.22, 355)),
    Category("burglary-business", 2.0, hours(0.2, (2.0, 1.0, 2.5), (22.0, 0.3, 1.5)),
             window=Window(0.05, 0.05, 10.0, 0.5), solved=0.08, hotspot=0.45, hotspot_kinds=(TOWN,),
             places={"commercial": 1.0}, seen=0.04, series=Series(0.30, 7.0, 5.0, 900.0), report_delay_h=2.0),
    Category("robbery-personal", 3.8, hours(0.12, (16.0, 0.6, 1.8), (21.0, 1.0, 2.5)), SHOPPING, NIGHT_ECONOMY,
             window=Window(0.86, 0.03, 0.5), solved=0.10, hotspot=0.35, hotspot_kinds=(TOWN, HUB, NIGHT),
             places={"street": 0.65, "park": 0.12, "transport": 0.18, "commercial": 0.05},
             victim="robbery", seen=0.92, series=Series(0.30, 6.0, 3.0, 800.0), report_delay_h=0.3, season=(0.12, 320)),
    Category("robbery-business", 0.4, hours(0.1, (21.0, 1.0, 2.5), (14.0, 0.4, 3.0)),
             window=Window(0.92, 0.02, 0.3), solved=0.20, hotspot=0.5, hotspot_kinds=(TOWN,),
             places={"commercial": 1.0}, victim="person", seen=0.95,
             series=Series(0.40, 5.0, 6.0, 1200.0), report_delay_h=0.2),
    Category("theft-from-vehicle", 6.0, hours(0.2, (2.0, 1.0, 3.5), (22.0, 0.4, 2.0)),
             window=Window(0.04, 0.05, 9.0, 0.5), solved=0.03, hotspot=0.12, hotspot_kinds=(TOWN, HUB),
             places={"street": 0.75, "car park": 0.25}, seen=0.03,
             series=Series(0.30, 9.0, 3.0, 800.0), report_delay_h=3.0, season=(0.10, 330)),
    Category("theft-of-vehicle", 3.0, hours(0.2, (2.5, 1.0, 3.0), (22.0, 0.4, 2.0)),
             window=Window(0.03, 0.04, 10.0, 0.5), solved=0.05,
             places={"street": 0.85, "car park": 0.15}, seen=0.02,
             series=Series(0.25, 6.0, 6.0, 1200.0), report_delay_h=3.0),
    Category("violence-with-injury", 8.0, hours(0.15, (23.5, 1.0, 2.2), (16.0, 0.35, 3.0)), FLAT_WEEK,
             NIGHT_ECONOMY, solved=0.30, hotspot=0.40, hotspot_kinds=(NIGHT, TOWN),
             places={"street": 0.45, "dwelling": 0.30, "commercial": 0.20, "transport": 0.05},
             victim="violence", seen=0.95, season=(0.12, 190)),
    Category("violence-without-injury", 11.0, hours(0.25, (22.5, 1.0, 3.0), (15.0, 0.5, 3.0)), FLAT_WEEK,
             NIGHT_ECONOMY, solved=0.25, hotspot=0.30, hotspot_kinds=(NIGHT, TOWN),
             places={"street": 0.40, "dwelling": 0.40, "commercial": 0.15, "transport": 0.05},
             victim="violence", seen=0.95, season=(0.10, 190)),
    Category("criminal-damage", 6.0, hours(0.3, (22.0, 1.0, 3.5)), FLAT_WEEK, NIGHT_ECONOMY,
             window=Window(0.30, 0.08, 6.0), solved=0.10, hotspot=0.20, hotspot_kinds=(TOWN, NIGHT),
             places={"street": 0.40, "dwelling": 0.35, "commercial": 0.20, "park": 0.05}, seen=0.15,
             report_delay_h=4.0),
    Category("theft-from-person", 6.5, hours(0.15, (13.0, 0.6, 3.0), (18.0, 1.0, 2.5), (23.0, 0.6, 2.0)),
             SHOPPING, NIGHT_ECONOMY, window=Window(0.40, 0.05, 1.0), solved=0.03, hotspot=0.70,
             hotspot_kinds=(TOWN, HUB, NIGHT), places={"street": 0.4, "transport": 0.35, "commercial": 0.25},
             victim="person", seen=0.30, report_delay_h=1.5, season=(0.10, 340)),
    Category("bicycle-theft", 3.0, hours(0.2, (13.0, 1.0, 4.0)), window=Window(0.05, 0.05, 6.0),
             solved=0.02, hotspot=0.40, hotspot_kinds=(HUB, TOWN), places={"street": 0.6, "transport": 0.25,
                                                                            "dwelling": 0.15},
             seen=0.03, report_delay_h=2.0, season=(0.30, 200)),
    Category("shoplifting", 7.0, hours(0.03, (15.0, 1.0, 3.5)), SHOPPING, solved=0.45, hotspot=0.85,
             hotspot_kinds=(TOWN,), places={"commercial": 1.0}, seen=0.6, report_delay_h=0.5, season=(0.08, 350)),
    Category("other-theft", 10.0, hours(0.2, (14.0, 1.0, 4.0)), window=Window(0.30, 0.10, 8.0),
             solved=0.05, hotspot=0.40, hotspot_kinds=(TOWN, HUB),
             places={"street": 0.3, "commercial": 0.35, "dwelling": 0.25, "transport": 0.1}, seen=0.1),
    Category("drugs", 4.0, hours(0.2, (17.0, 1.0, 4.0)), solved=0.85, hotspot=0.5, hotspot_kinds=(TOWN, NIGHT),
             places={"street": 0.75, "park": 0.1, "commercial": 0.15}),
    Category("possession-of-weapons", 1.0, hours(0.2, (19.0, 1.0, 4.0)), solved=0.80, hotspot=0.4,
             hotspot_kinds=(NIGHT, TOWN), places={"street": 0.85, "transport": 0.15}),
    Category("public-order", 3.5, hours(0.2, (22.0, 1.0, 3.0)), FLAT_WEEK, NIGHT_ECONOMY, solved=0.20,
             hotspot=0.40, hotspot_kinds=(NIGHT, TOWN), places={"street": 0.6, "commercial": 0.25,
                                                                  "dwelling": 0.15}, seen=0.8),
    Category("anti-social-behaviour", 13.0, hours(0.15, (20.0, 1.0, 3.0)), FLAT_WEEK, NIGHT_ECONOMY,
             solved=0.05, hotspot=0.35, hotspot_kinds=(TOWN, HUB, NIGHT),
             places={"street": 0.55, "park": 0.15, "dwelling": 0.2, "transport": 0.1}, season=(0.22, 200)),
    Category("other", 2.0, hours(0.3, (14.0, 1.0, 5.0)), window=Window(0.5, 0.2, 12.0), solved=0.15,
             places={"street": 0.5, "dwelling": 0.3, "commercial": 0.2}, report_delay_h=24.0),
    Category("rape", 0.8, hours(0.2, (2.0, 1.0, 2.5), (22.0, 0.6, 2.0)), FLAT_WEEK, NIGHT_ECONOMY,
             window=Window(0.65, 0.15, 2.0), solved=0.12,
             places={"dwelling": 0.45, "street": 0.25, "park": 0.15, "transport": 0.05, "commercial": 0.10},
             victim="sexual", seen=0.85, series=Series(0.22, 4.0, 20.0, 1000.0), report_delay_h=30.0),
    Category("sexual-assault", 1.2, hours(0.2, (23.0, 1.0, 3.0), (16.0, 0.6, 3.0)), FLAT_WEEK, NIGHT_ECONOMY,
             window=Window(0.75, 0.10, 1.0), solved=0.15,
             places={"street": 0.40, "transport": 0.20, "park": 0.15, "commercial": 0.15, "dwelling": 0.10},
             victim="sexual", seen=0.85, series=Series(0.30, 5.0, 12.0, 900.0), report_delay_h=6.0),
    Category("exposure", 0.3, hours(0.1, (15.0, 1.0, 3.0), (8.0, 0.5, 1.5)),
             window=Window(0.80, 0.08, 0.5), solved=0.15,
             places={"street": 0.45, "park": 0.35, "transport": 0.20}, victim="sexual", seen=0.95,
             series=Series(0.45, 5.0, 10.0, 700.0), report_delay_h=2.0, season=(0.20, 180)),
    Category("other-sexual", 0.3, hours(0.3, (14.0, 1.0, 5.0)), window=Window(0.5, 0.3, 6.0), solved=0.20,
             places={"dwelling": 0.5, "street": 0.3, "commercial": 0.2}, victim="sexual", seen=0.7,
             series=Series(0.10, 3.5, 20.0, 1000.0), report_delay_h=48.0),
)

BY_NAME = {c.name: c for c in CATEGORIES}
NAMES = tuple(c.name for c in CATEGORIES)


def day_hour_weights(cat: Category) -> np.ndarray:
    """7 x 24 weights (Monday=0) for when an offence of ``cat`` starts.

    Hours 18:00-05:59 belong to the *night* that began on the earlier evening, so a
    Friday night's 01:00 counts towards Friday's night weight, as analysts read it.
    """
    day = np.asarray(cat.dow, dtype=float)
    night = np.asarray(cat.night_dow or cat.dow, dtype=float)
    out = np.empty((7, 24))
    for h in range(24):
        if h >= 18:
            out[:, h] = night * cat.hour[h]
        elif h < 6:
            out[:, h] = np.roll(night, 1) * cat.hour[h]
        else:
            out[:, h] = day * cat.hour[h]
    return out / out.sum()
