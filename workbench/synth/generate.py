"""``generate(seed, ...)``: a year of synthetic borough data with known truth.

The result holds the offences in the canonical offence CSV columns (version 1.1, with
victim references), the intelligence in the canonical intelligence CSV columns, nominals
and missing-person episodes (:mod:`workbench.synth.people`), and the truth behind them (who really committed
every offence, the planted series and hotspots), so linkage, hotspot and near-repeat
analysis can be measured against it. Everything depends only on the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import BadInput, file_errors
from workbench.synth import intel as intel_reports
from workbench.synth import people as people_records
from workbench.synth.offences import plan
from workbench.synth.places import Area, Hotspots
from workbench.synth.profiles import CATEGORIES, NAMES
from workbench.synth.timing import reported, stamps, windows
from workbench.synth.vocab import (
    BUILDS,
    ETHNICITY_CODES,
    LOCATION_DESCS,
    STREET_KINDS,
    STREET_STEMS,
    SUSPECT_COLUMNS,
    VICTIM_COLUMNS,
    mo_columns,
)

BASE_COLUMNS = ["offence_ref", "category", "committed_from", "committed_to", "reported_at", "easting",
                "northing", "location_desc", "location_type", "status", "offender_ids", "series_ref", "victim_ref"]
TRUTH_COLUMNS = ["offence_ref", "true_offender", "series_id", "category", "co_offender", "true_time",
                 "hotspot_id", "near_repeat_of"]
DEFAULT_BOROUGHS = ("Camden", "Islington")


def offence_columns() -> list[str]:
    """The columns of ``SyntheticData.offences`` (and of the offences CSV), in order."""
    return BASE_COLUMNS + mo_columns() + VICTIM_COLUMNS + SUSPECT_COLUMNS


def default_start(today: date | None = None) -> date:
    """The first day of the month twelve months before ``today``'s month."""
    today = today or date.today()
    return date(today.year - 1, today.month, 1)


@dataclass
class SyntheticData:
    """Synthetic offences, intelligence and the truth behind them."""

    offences: pd.DataFrame
    truth: pd.DataFrame
    intel: pd.DataFrame
    series: list[dict]
    hotspots: list[dict]
    offenders: pd.DataFrame = field(repr=False)
    seed: int = 0
    boroughs: tuple[str, ...] = ()
    start: date | None = None
    days: int = 0
    nominals: pd.DataFrame | None = field(default=None, repr=False)
    missing: pd.DataFrame | None = field(default=None, repr=False)
    planted_people: dict = field(default_factory=dict)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.start + timedelta(days=self.days - 1)

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write offences.csv, intel.csv, truth.csv, nominals.csv and missing.csv into
        ``directory``; return the paths."""
        folder = Path(directory)
        frames = {"offences": self.offences, "intel": self.intel, "truth": self.truth,
                  "nominals": self.nominals, "missing": self.missing}
        paths = {name: folder / f"{name}.csv" for name, frame in frames.items() if frame is not None}
        with file_errors(folder):
            folder.mkdir(parents=True, exist_ok=True)
            for name, path in paths.items():
                frames[name].to_csv(path, index=False)
        return paths


def _parse_start(start) -> date:
    if start is None:
        return default_start()
    if isinstance(start, date):
        return start
    try:
        return date.fromisoformat(str(start).strip())
    except ValueError:
        raise BadInput(f"start {start!r} is not a date (YYYY-MM-DD)") from None


def _labels(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` + 1, as an object array (-1 gives '')."""
    text = np.strings.add(prefix, np.strings.zfill((numbers + 1).astype(np.dtypes.StringDType()), width))
    return np.where(numbers >= 0, text, "").astype(object)


def _streets(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A made-up street name per point, shared by neighbours within about 150 m."""
    cx = np.floor(x / 150).astype(np.int64)
    cy = np.floor(y / 150).astype(np.int64)
    h = (cx * 73856093) ^ (cy * 19349663)
    stems = np.array(STREET_STEMS, dtype=object)[h % len(STREET_STEMS)]
    kinds = np.array(STREET_KINDS, dtype=object)[(h // 7) % len(STREET_KINDS)]
    return stems + " " + kinds


def _location_descs(place: np.ndarray, x, y, rng) -> np.ndarray:
    out = np.empty(len(place), dtype=object)
    for kind, phrases in LOCATION_DESCS.items():
        rows = np.flatnonzero(place == kind)
        out[rows] = np.array(phrases, dtype=object)[rng.integers(0, len(phrases), len(rows))]
    return out + ", " + _streets(x, y)


def generate(seed: int = 1, offences: int = 6000, boroughs=DEFAULT_BOROUGHS, start=None,
             days: int = 365) -> SyntheticData:
    """A year (``days``) of synthetic offences and intelligence for London boroughs.

    ``boroughs`` is a borough name, several names, or ``"all"``; ``start`` (a date or
    ISO text) defaults to the first day of the month a year before this month.
    """
    if int(offences) < 1:
        raise BadInput(f"offences must be at least 1, not {offences}")
    if int(days) < 7:
        raise BadInput(f"days must be at least 7, not {days}")
    offences, days, seed = int(offences), int(days), int(seed)
    first = _parse_start(start)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    area = Area.load(boroughs, streams[0])
    hotspots = Hotspots.plant(area, streams[0])
    rows, infos = plan(offences, area, hotspots, first, days, streams[1])
    order = np.argsort(rows["t"], kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    rows = {k: v[order] for k, v in rows.items()}
    rows["source"] = np.where(rows["source"] >= 0, rank[np.maximum(rows["source"], 0)], -1)

    rng = streams[2]
    n = len(order)
    refs = _labels(f"CR{seed}-", np.arange(n), 7)
    offender = _labels(f"O{seed}-", rows["offender"], 5)
    co = _labels(f"O{seed}-", rows["co"], 5)
    series_id = _labels(f"S{seed}-", rows["series"], 4)
    frame = {c: np.full(n, "", dtype=object) for c in offence_columns()}
    frame["offence_ref"] = refs
    frame["category"] = np.array(NAMES, dtype=object)[rows["cat"]]
    committed_to = np.full(n, "", dtype=object)
    for ci, cat in enumerate(CATEGORIES):
        idx = np.flatnonzero(rows["cat"] == ci)
        if not len(idx):
            continue
        lo, hi, date_only = windows(cat, rows["t"][idx], rng)
        frame["committed_from"][idx] = stamps(first, lo, date_only)
        to_text = stamps(first, hi, date_only)
        committed_to[idx] = np.where(hi > lo, to_text, "")
        frame["reported_at"][idx] = stamps(first, reported(cat, rows["t"][idx], hi, rng))
    frame["committed_to"] = committed_to
    rows["x"], rows["y"] = area.snap(rows["x"], rows["y"], rng)
    frame["easting"] = rows["x"].astype(str).astype(object)
    frame["northing"] = rows["y"].astype(str).astype(object)
    frame["location_type"] = rows["place"]
    frame["location_desc"] = _location_descs(rows["place"], rows["x"], rows["y"], rng)
    solved = rows["solved"]
    frame["status"] = np.where(solved, "solved", "unsolved").astype(object)
    frame["offender_ids"] = np.where(solved, np.where(co != "", offender + ";" + co, offender), "")
    year = pd.Series(frame["committed_from"]).str.slice(2, 4).to_numpy(dtype=object)
    frame["series_ref"] = np.where(rows["linked"], "BIU/" + year + "/" + _labels("", rows["series"], 3), "")
    for col in offence_columns()[len(BASE_COLUMNS):]:
        if col in rows:
            frame[col] = rows[col]
    offences_df = pd.DataFrame(frame, columns=offence_columns())

    truth = pd.DataFrame({
        "offence_ref": refs, "true_offender": offender, "series_id": series_id,
        "category": frame["category"], "co_offender": co,
        "true_time": stamps(first, rows["t"]),
        "hotspot_id": _labels("H", rows["hotspot"], 3),
        "near_repeat_of": np.where(rows["source"] >= 0, refs[np.maximum(rows["source"], 0)], ""),
    })
    series = _series_truth(infos, rows, refs, truth, seed)
    offenders = _known_offenders(infos, rows, seed, area)
    hotspot_truth = hotspots.as_truth({c.name: c.hotspot_kinds for c in CATEGORIES if c.hotspot > 0})
    intel = intel_reports.build(series, offenders, hotspot_truth, offences_df, truth, area, first, days,
                                seed, streams[3])
    people = people_records.build(offences_df, offenders, series, area, first, days, seed, streams[4])
    offences_df["victim_ref"] = people.victim_refs
    return SyntheticData(offences_df, truth, intel, series, hotspot_truth, offenders, seed, area.boroughs,
                         first, days, people.nominals, people.missing, people.planted)


def _series_truth(infos, rows, refs, truth: pd.DataFrame, seed: int) -> list[dict]:
    """One dict per planted series: offender, category, size, centre, dates, offences."""
    in_series = np.flatnonzero(rows["series"] >= 0)
    by_series = in_series[np.argsort(rows["series"][in_series], kind="stable")]
    bounds = np.searchsorted(rows["series"][by_series], np.arange(sum(len(i["sizes"]) for i in infos) + 1))
    category = truth["category"].to_numpy(dtype=object)
    when = truth["true_time"].to_numpy(dtype=object)
    x, y, solved = rows["x"], rows["y"], rows["solved"]
    out = []
    for info in infos:
        for j, offender in enumerate(info["offender"]):
            k = info["first_series"] + j
            idx = by_series[bounds[k]:bounds[k + 1]]
            partner = int(info["partner"][j])
            out.append({
                "id": f"S{seed}-{k + 1:04d}", "offender": f"O{seed}-{offender + 1:05d}",
                "category": info["category"], "group": info["group"],
                "categories": sorted(set(category[idx])), "n": int(len(idx)),
                "centre": (round(float(x[idx].mean()), 1), round(float(y[idx].mean()), 1)),
                "anchor": (round(float(info["anchor_x"][j]), 1), round(float(info["anchor_y"][j]), 1)),
                "radius_m": round(float(info["scale"][j]), 1),
                "first": when[idx[0]][:10], "last": when[idx[-1]][:10],
                "solved": int(solved[idx].sum()),
                "co_offender": f"O{seed}-{partner + 1:05d}" if partner >= 0 else "",
                "offences": refs[idx].tolist(),
            })
    return out


def _known_offenders(infos, rows, seed: int, area: Area) -> pd.DataFrame:
    """Serial offenders and their partners: who intelligence is mostly about."""
    parts = []
    for info in infos:
        people = info["people"]
        parts.append(pd.DataFrame({
            "offender_id": _labels(f"O{seed}-", info["offender"], 5), "group": info["group"],
            "category": info["category"],
            "series_id": _labels(f"S{seed}-", info["first_series"] + np.arange(len(info["offender"])), 4),
            "partner": _labels(f"O{seed}-", info["partner"], 5),
            "easting": np.round(info["anchor_x"], 1), "northing": np.round(info["anchor_y"], 1),
            "sex": np.where(people.male, "M", "F"), "age": people.age,
            "height_cm": np.round(people.height).astype(int),
            "build": np.array(BUILDS, dtype=object)[people.build],
            "ethnicity_code": np.array(ETHNICITY_CODES, dtype=object)[people.ethnicity],
        }))
    if not parts:
        return pd.DataFrame(columns=["offender_id", "group", "category", "series_id", "partner", "easting",
                                     "northing", "sex", "age", "height_cm", "build", "ethnicity_code", "borough"])
    known = pd.concat(parts, ignore_index=True)
    known["borough"] = area.borough_of(known["easting"].to_numpy(), known["northing"].to_numpy())
    return known
