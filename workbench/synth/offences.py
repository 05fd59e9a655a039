"""Assembling a year of offences: planted series, one-offs, near repeats, hotspots.

The offences are built in *parts* (the series of one category, the one-offs of one
category), each a dict of per-offence numpy arrays, then concatenated, put in time order
and formatted. Everything that depends on who committed an offence (MO, time-of-day
habit, victim choice, description, anchor point) is settled inside a part, where the
offender is known.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from workbench.synth import mo
from workbench.synth.offenders import People, describe, victim_preferences, victims
from workbench.synth.places import Area, Hotspots
from workbench.synth.profiles import CATEGORIES, NAMES, Category
from workbench.synth.timing import MINUTES_PER_DAY, sample_hours, sample_times
from workbench.synth.vocab import MO_GROUP

SERIES_SOLVED_IDENTIFIED = 0.55   # share of series whose offender is identified ...
SERIES_SOLVED_PER_OFFENCE = 0.65  # ... and of their offences then attributed to them
FORCE_LINKED_SERIES = 0.15        # share of series the force has already linked (series_ref)
CO_OFFENDING_GROUPS = ("burglary", "robbery", "vehicle")
NEAR_REPEAT_SHARE = 0.16          # share of one-off residential burglaries that are near repeats
NEAR_REPEAT_DAYS = 14.0
NEAR_REPEAT_METRES = 200.0
SEXUAL_MIX = 0.2                  # chance a sexual series offence is of another sexual category
# How far apart in space and time one offender's offences are, set so that pairs of a
# series follow what real solved series show (distance median about 1 km, 85th percentile
# 4-5 km, 95th 9-28 km, 99th 17-58 km; time gap median about 2 weeks, 95th percentile
# about 100 days): a tight home range plus the odd trip far away, and irregular gaps.
SERIES_TRIP_SHARE = 0.08          # share of a series' offences away from the home range
SERIES_TRIP_MEDIAN_M = 7000.0     # median distance of such a trip from the anchor
SERIES_TRIP_SIGMA = 0.8
SERIES_PACE = 0.6                 # the categories' mean gaps (profiles) scaled to pairs' figures
SERIES_GAP_SIGMA = 0.6            # spread of the gaps between offences around the pace
SERIES_BREAK_SHARE = 0.05         # share of gaps that are long breaks

class Ids:
    """Hands out consecutive offender numbers (serial offenders, associates, one-offs)."""

    def __init__(self):
        self.next = 0

    def take(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n)
        self.next += n
        return out


def category_counts(total: int) -> np.ndarray:
    """Offences per category (largest-remainder rounding so they sum to ``total``)."""
    share = np.array([c.share for c in CATEGORIES])
    exact = share / share.sum() * total
    counts = np.floor(exact).astype(int)
    extra = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:extra]] += 1
    return counts


def series_sizes(target: int, mean_size: float, rng: np.random.Generator) -> np.ndarray:
    """Series sizes (3 or more, long-tailed) adding up to ``target``."""
    if target < 3:
        return np.zeros(0, dtype=int)
    draws = 3 + rng.geometric(1.0 / max(mean_size - 2.0, 1.01), target // 3 + 2) - 1
    cum = np.cumsum(draws)
    k = int(np.searchsorted(cum, target))
    sizes = draws[:k + 1].copy()
    sizes[-1] -= cum[k] - target
    if sizes[-1] < 3 and len(sizes) > 1:
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def _group_cumsum(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each group of consecutive ``sizes``."""
    cum = np.cumsum(values)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    before = cum[starts] - values[starts]
    return cum - np.repeat(before, sizes)


def _choose(weights: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), n, p=p / p.sum())]


def _people_columns(cat_idx: np.ndarray, people: People, rng, pref_female=None, pref_age=None) -> dict:
    """Victim and suspect columns for offences of (possibly several) categories."""
    n = len(cat_idx)
    out = {c: np.full(n, "", dtype=object) for c in ("victim_sex", "victim_age")}
    seen = np.zeros(n, dtype=bool)
    for ci in np.unique(cat_idx):
        cat = CATEGORIES[ci]
        rows = np.flatnonzero(cat_idx == ci)
        seen[rows] = rng.random(len(rows)) < cat.seen
        if cat.victim:
            pf = None if pref_female is None else pref_female[rows]
            pa = None if pref_age is None else pref_age[rows]
            for col, values in victims(cat.victim, len(rows), rng, pf, pa).items():
                out[col][rows] = values
    out.update(describe(people, seen, rng))
    return out


def _mo_columns(category: str, raw: dict, rng) -> dict:
    return {f"mo_{d.name}": mo.text(d, raw[d.name], rng) for d in mo.domains_for(category)}


def _place_types(cat: Category, hotspot_kind: np.ndarray | None, n: int, rng) -> np.ndarray:
    """Location types: the category's mix, with transport hubs and town centres adding theirs."""
    place = _choose(cat.places, n, rng)
    if hotspot_kind is not None and len(cat.places) > 1:
        hub = (hotspot_kind == "transport hub") & (rng.random(n) < 0.6)
        place[hub] = "transport"
        centre = np.isin(hotspot_kind, ("town centre", "night-time economy")) & (place == "dwelling")
        place[centre] = np.where(rng.random(int(centre.sum())) < 0.5, "commercial", "street")
    return place


def plan_series(ci: int, target: int, area: Area, hotspots: Hotspots, days: int, ids: Ids,
                first_series: int, rng: np.random.Generator):
    """The planted series of category ``ci``: (part, per-series info) or None."""
    cat = CATEGORIES[ci]
    spec = cat.series
    sizes = series_sizes(target, spec.mean_size, rng)
    k = len(sizes)
    if k == 0:
        return None
    n = int(sizes.sum())
    sid = np.repeat(np.arange(k), sizes)
    offender = ids.take(k)
    group = MO_GROUP[cat.name]

    # Sprees in time, heavy-tailed as real series are: most gaps are days to weeks at the
    # offender's own pace, some are breaks of months (prison, moving away, a new job).
    pace = SERIES_PACE * spec.gap_days * rng.lognormal(0.0, 0.5, k)
    gaps = rng.exponential(pace[sid]) * rng.lognormal(0.0, SERIES_GAP_SIGMA, n)
    gaps *= np.where(rng.random(n) < SERIES_BREAK_SHARE, rng.uniform(2, 6, n), 1.0)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    gaps[first] = 0.0
    offset = _group_cumsum(gaps, sizes)
    span = offset[np.cumsum(sizes) - 1]
    squeeze = np.where(span > days - 1, (days - 1) / np.maximum(span, 1e-9), 1.0)
    offset *= squeeze[sid]
    # Series run across the period's edges as often as inside it; offences that would
    # fall outside are reflected back in, so every part of the year gets its share.
    half = span * squeeze / 2
    begin = rng.uniform(-half, days - 1 - half)
    day = begin[sid] + offset
    day = np.where(day < 0, -day, day)
    day = np.floor(np.where(day > days - 1, 2 * (days - 1) - day, day))
    habit_hour = sample_hours(cat, k, rng)
    hour_sd = rng.uniform(0.6, 2.2, k)
    hour = (habit_hour[sid] + rng.normal(0, hour_sd[sid])) % 24
    t = np.clip(day * MINUTES_PER_DAY + hour * 60.0, 0, days * MINUTES_PER_DAY - 1)

    # Space: distance decay around a home anchor, sometimes a second (work, friends) anchor.
    ax, ay = area.residential(k, rng)
    hotspot = np.full(k, -1)
    if cat.hotspot >= 0.3:
        at_hot = rng.random(k) < 0.5
        hx, hy, hw = hotspots.sample(int(at_hot.sum()), cat.hotspot_kinds, area, rng)
        ax[at_hot], ay[at_hot], hotspot[at_hot] = hx, hy, hw
    scale = spec.radius_m * rng.lognormal(0.0, 0.45, k)
    two = rng.random(k) < 0.25
    angle = rng.uniform(0, 2 * np.pi, k)
    far = rng.uniform(1500, 4000, k)
    bx, by = area.repair(ax + far * np.cos(angle), ay + far * np.sin(angle), ax, ay, rng)
    use_b = two[sid] & (rng.random(n) < 0.35)
    cx, cy = np.where(use_b, bx[sid], ax[sid]), np.where(use_b, by[sid], ay[sid])
    r = scale[sid] * rng.gamma(1.5, 1 / 1.5, n)
    # Trips: some offences are far from both anchors (a lift across town, a visit), which
    # gives the long tail real series show (see SERIES_TRIP_SHARE).
    trip = rng.random(n) < SERIES_TRIP_SHARE
    r = np.where(trip, rng.lognormal(np.log(SERIES_TRIP_MEDIAN_M), SERIES_TRIP_SIGMA, n), r)
    angle = rng.uniform(0, 2 * np.pi, n)
    x, y = area.repair(cx + r * np.cos(angle), cy + r * np.sin(angle), cx, cy, rng)

    # Categories: sexual offenders' series mix rape, assault, exposure...
    cat_idx = np.full(n, ci)
    if group == "sexual":
        others = [NAMES.index(c) for c in NAMES if MO_GROUP.get(c) == "sexual" and c != cat.name]
        w = np.array([CATEGORIES[o].share for o in others])
        mix = rng.random(n) < SEXUAL_MIX
        cat_idx[mix] = np.array(others)[rng.choice(len(others), int(mix.sum()), p=w / w.sum())]

    identified = rng.random(k) < SERIES_SOLVED_IDENTIFIED
    linked = rng.random(k) < FORCE_LINKED_SERIES
    habit_place = _choose(cat.places, k, rng)
    place = np.where(rng.random(n) < 0.75, habit_place[sid], _choose(cat.places, n, rng))

    people = People.draw(group, k, rng)
    columns = {}
    if cat.victim:
        pref_female, pref_age = victim_preferences(cat.victim, k, rng)
        columns.update(_people_columns(cat_idx, people.take(sid), rng, pref_female[sid], pref_age[sid]))
    else:
        columns.update(_people_columns(cat_idx, people.take(sid), rng))
    for d in mo.domains_for(cat.name):
        columns[f"mo_{d.name}"] = mo.text(d, mo.repeat(d, mo.profile(d, k, rng)[sid], rng), rng)

    part = {"cat": cat_idx, "t": t, "x": x, "y": y, "offender": offender[sid],
            "series": first_series + sid, "co": np.full(n, -1), "hotspot": hotspot[sid],
            "source": np.full(n, -1), "solved": identified[sid] & (rng.random(n) < SERIES_SOLVED_PER_OFFENCE),
            "linked": linked[sid] & (rng.random(n) < 0.7), "place": place, **columns}
    info = {"offender": offender, "group": group, "anchor_x": ax, "anchor_y": ay, "people": people,
            "category": cat.name, "sizes": sizes, "scale": scale, "co_present": rng.random(n) < 0.7,
            "has_co": (rng.random(k) < 0.3) if group in CO_OFFENDING_GROUPS else np.zeros(k, dtype=bool)}
    return part, info


def plan_one_offs(ci: int, n: int, area: Area, hotspots: Hotspots, start: date, days: int, ids: Ids,
                  rng: np.random.Generator) -> dict:
    """One-off offences of category ``ci`` (with near repeats for residential burglary)."""
    cat = CATEGORIES[ci]
    group = MO_GROUP.get(cat.name, "other")
    n_repeat = int(round(n * NEAR_REPEAT_SHARE)) if cat.name == "burglary-residential" else 0
    n_base = n - n_repeat

    hot = rng.random(n_base) < cat.hotspot
    x, y = area.residential(n_base, rng)
    hotspot = np.full(n_base, -1)
    kind = np.full(n_base, "", dtype=object)
    if hot.any():
        hx, hy, hw = hotspots.sample(int(hot.sum()), cat.hotspot_kinds, area, rng)
        x[hot], y[hot], hotspot[hot] = hx, hy, hw
        kind[hot] = hotspots.kind[hw]
    t = sample_times(cat, n_base, start, days, rng)
    offender = ids.take(n_base)
    people = People.draw(group, n_base, rng)
    raw = {d.name: mo.draw(d, n_base, rng) for d in mo.domains_for(cat.name)}
    source = np.full(n_base, -1)

    if n_repeat:
        # A burglary raises the risk next door for about two weeks: the same burglar
        # coming back (half of them) or another one drawn to the same street.
        limit = (days - NEAR_REPEAT_DAYS) * MINUTES_PER_DAY
        eligible = np.flatnonzero(t < limit) if (t < limit).any() else np.arange(n_base)
        src = rng.choice(eligible, n_repeat)
        scale = NEAR_REPEAT_DAYS / 4
        lag = -scale * np.log(1 - rng.random(n_repeat) * (1 - np.exp(-NEAR_REPEAT_DAYS / scale)))
        day = np.floor(t[src] / MINUTES_PER_DAY + lag)
        rt = np.clip(day * MINUTES_PER_DAY + sample_hours(cat, n_repeat, rng) * 60, 0,
                     days * MINUTES_PER_DAY - 1)
        dist = np.minimum(rng.exponential(60.0, n_repeat), NEAR_REPEAT_METRES)
        angle = rng.uniform(0, 2 * np.pi, n_repeat)
        rx, ry = area.repair(x[src] + dist * np.cos(angle), y[src] + dist * np.sin(angle), x[src], y[src], rng)
        same = rng.random(n_repeat) < 0.5
        r_offender = np.where(same, offender[src], -1)
        r_offender[~same] = ids.take(int((~same).sum()))
        fresh = People.draw(group, n_repeat, rng)
        r_people = People(*(np.where(same, getattr(people, f)[src], getattr(fresh, f))
                            for f in ("male", "age", "height", "build", "ethnicity")))
        for d in mo.domains_for(cat.name):
            again = mo.repeat(d, raw[d.name][src], rng)
            other = mo.draw(d, n_repeat, rng)
            pick = same if d.kind == "one" else same[:, None]
            raw[d.name] = np.concatenate([raw[d.name], np.where(pick, again, other)])
        x, y, t = np.concatenate([x, rx]), np.concatenate([y, ry]), np.concatenate([t, rt])
        hotspot = np.concatenate([hotspot, np.full(n_repeat, -1)])
        kind = np.concatenate([kind, np.full(n_repeat, "", dtype=object)])
        offender = np.concatenate([offender, r_offender])
        people = People.concat([people, r_people])
        source = np.concatenate([source, src])

    cat_idx = np.full(n, ci)
    part = {"cat": cat_idx, "t": t, "x": x, "y": y, "offender": offender, "series": np.full(n, -1),
            "co": np.full(n, -1), "hotspot": hotspot, "source": source,
            "solved": rng.random(n) < cat.solved, "linked": np.zeros(n, dtype=bool),
            "place": _place_types(cat, kind, n, rng)}
    part.update(_people_columns(cat_idx, people, rng))
    part.update(_mo_columns(cat.name, raw, rng))
    if group in CO_OFFENDING_GROUPS:
        part["co_wanted"] = rng.random(n) < 0.08
    return part


def plan(total: int, area: Area, hotspots: Hotspots, start: date, days: int, rng: np.random.Generator):
    """All offences as one dict of arrays (unsorted) plus the series information."""
    counts = category_counts(total)
    ids = Ids()
    parts, infos = [], []
    series_counts = np.zeros(len(CATEGORIES), dtype=int)
    first_series = 0
    for ci, cat in enumerate(CATEGORIES):
        if cat.series is None:
            continue
        planned = plan_series(ci, int(round(counts[ci] * cat.series.share)), area, hotspots, days, ids,
                              first_series, rng)
        if planned is None:
            continue
        part, info = planned
        info["first_series"] = first_series
        first_series += len(info["sizes"])
        parts.append(part)
        infos.append(info)
        series_counts += np.bincount(part["cat"], minlength=len(CATEGORIES))
    one_off = counts - series_counts
    while (one_off < 0).any():            # sexual series mixing can overdraw a small category
        short = int(np.argmin(one_off))
        one_off[int(np.argmax(one_off))] += one_off[short]
        one_off[short] = 0
    for ci in range(len(CATEGORIES)):
        if one_off[ci]:
            parts.append(plan_one_offs(ci, int(one_off[ci]), area, hotspots, start, days, ids, rng))
    _co_offending(parts, infos, ids, rng)
    offset = 0
    for part in parts:                     # near-repeat sources become row numbers of the whole
        part["source"] = np.where(part["source"] >= 0, part["source"] + offset, -1)
        offset += len(part["t"])
    keys = list(dict.fromkeys(k for p in parts for k in p if k != "co_wanted"))
    merged = {key: np.concatenate([p[key] if key in p else np.full(len(p["t"]), "", dtype=object)
                                   for p in parts])
              for key in keys}
    return merged, infos


def _co_offending(parts: list, infos: list, ids: Ids, rng: np.random.Generator) -> None:
    """Give some burglars, robbers and car thieves a partner, so a network exists.

    Half the partners of a serial offender are themselves serial offenders of the same
    crime group (so networks join up), the rest are associates known only from the
    offences they shared; some one-off offences involve a serial offender as partner.
    """
    by_group: dict[str, np.ndarray] = {}
    for info in infos:
        by_group[info["group"]] = np.concatenate([by_group.get(info["group"], np.zeros(0, dtype=int)),
                                                  info["offender"]])
    series_parts = [p for p in parts if (p["series"] >= 0).any()]
    for part, info in zip(series_parts, infos):
        k = len(info["offender"])
        partner = np.full(k, -1)
        pool = by_group.get(info["group"], np.zeros(0, dtype=int))
        want = np.flatnonzero(info["has_co"])
        serial = rng.random(len(want)) < 0.5
        if len(pool) > 1:
            partner[want[serial]] = rng.choice(pool, int(serial.sum()))
            clash = partner == info["offender"]
            partner[clash] = -1
        need = want[partner[want] < 0]
        partner[need] = ids.take(len(need))
        info["partner"] = partner
        sid = part["series"] - info["first_series"]
        part["co"] = np.where(info["co_present"] & (partner[sid] >= 0), partner[sid], -1)
    for part in parts:
        wanted = part.get("co_wanted")
        if wanted is None or not wanted.any():
            continue
        rows = np.flatnonzero(wanted)
        group = MO_GROUP[CATEGORIES[part["cat"][0]].name]
        pool = by_group.get(group, np.zeros(0, dtype=int))
        serial = (rng.random(len(rows)) < 0.4) & (len(pool) > 0)
        co = np.empty(len(rows), dtype=int)
        if serial.any():
            co[serial] = rng.choice(pool, int(serial.sum()))
        co[~serial] = ids.take(int((~serial).sum()))
        part["co"][rows] = co
