"""Scan alerts: one thing for the analyst to look at, with the offences behind it.

Every alert has a ``kind``, a one-line ``summary`` in plain English, the ids of the
offences it is about (so the dashboard can select them or show them on the map), their
bounding box, and kind-specific detail. Builders for each kind live here so the scanner
reads as a list of steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domain.alerts import Alert, bbox_of
from workbench.domain.categories import GROUPS, LABELS
from workbench.errors import UserError
from workbench.geo.nearrepeat import event_days, knox, risk_zones
from workbench.geo.repeats import repeat_locations
from workbench.scan.defaults import PERMUTATIONS, SEED
from workbench.scan.newhotspots import NewHotspot
from workbench.scan.searches import SearchUpdate
from workbench.scan.trends import ALL_AREAS, TrendReport, TrendResult
from workbench.store.db import Store
from workbench.store.offences import fetch_rows

#: Link scores from which a candidate is named in an alert's summary (weaker ones stay
#: in the detail, for the analyst to judge).
STRONG_LINK = 0.3


def label(category: str) -> str:
    return LABELS.get(category, category)


def _top_labels(categories: pd.Series, most: int = 3) -> str:
    """The commonest categories as readable labels with counts: "Shoplifting 5, Drugs 2"."""
    counts = categories.value_counts()
    text = ", ".join(f"{label(c)} {n}" for c, n in counts.head(most).items())
    return text + (f" and {len(counts) - most} more" if len(counts) > most else "")


def _bbox_of_ids(frame: pd.DataFrame, ids: list[int]) -> tuple[float, float, float, float] | None:
    rows = frame[frame["id"].isin(ids)]
    return bbox_of(rows["easting"], rows["northing"])


# -- trends -----------------------------------------------------------------------

def trend_alert(result: TrendResult, report: TrendReport, frame: pd.DataFrame | None = None) -> Alert:
    """An emerging trend: observed against expected, with the test's p and q values."""
    where = "across all areas" if result.area == ALL_AREAS else f"in {result.area}"
    span = f"{report.periods} {report.unit}{'s' if report.periods > 1 else ''}"
    summary = (f"{label(result.category)} {where}: {result.observed} in the last {span} against "
               f"{result.expected:.1f} expected from the {result.baseline} baseline "
               f"(x{result.ratio:.1f}, p = {result.p_value:.2g}, FDR q = {result.q_value:.2g})")
    detail = {"category": result.category, "area": result.area, "observed": result.observed,
              "expected": round(result.expected, 3), "ratio": round(result.ratio, 3) if np.isfinite(result.ratio) else None,
              "p_value": result.p_value, "q_value": result.q_value, "baseline": result.baseline,
              "baseline_periods": result.baseline_periods, "dispersion": round(result.dispersion, 3)}
    bbox = _bbox_of_ids(frame, result.offence_ids) if frame is not None else None
    return Alert("trend", summary, list(result.offence_ids), bbox, detail)


# -- hotspots ---------------------------------------------------------------------

def hotspot_alert(hotspot: NewHotspot, report: TrendReport) -> Alert:
    """A hotspot of the recent period that was not a hotspot in the period before."""
    x, y = hotspot.centre
    where = hotspot.place or f"{x:.0f}, {y:.0f}"
    summary = (f"New {label(hotspot.category).lower()} hotspot in {where} "
               f"({hotspot.area_m2 / 1e4:.0f} ha, {len(hotspot.offence_ids)} offences since "
               f"{report.period_start:%d %b %Y}); not a hotspot in the period before")
    return Alert("hotspot", summary, hotspot.offence_ids, tuple(hotspot.geometry.bounds),
                 {"category": hotspot.category, "area_m2": round(hotspot.area_m2, 1),
                  "peak_density_per_km2": round(hotspot.peak, 2), "wkt": hotspot.geometry.wkt})


# -- saved searches ---------------------------------------------------------------

def search_alert(update: SearchUpdate) -> Alert:
    """New matches of a subscribed saved search."""
    n = len(update.new)
    thing = "offence" if update.search.kind == "offences" else "intelligence report"
    summary = f"Saved search {update.search.name!r}: {n} new {thing}{'s' if n != 1 else ''} ({len(update.matches)} in all)"
    ids = [int(i) for i in update.new] if update.search.kind == "offences" else []
    detail = {"search": update.search.name, "search_kind": update.search.kind, "new_ids": update.new,
              "matches": len(update.matches)}
    return Alert("saved_search", summary, ids, None, detail)


# -- sexual offences --------------------------------------------------------------

def sexual_offence_alerts(store: Store, new_sexual: pd.DataFrame, *, top: int = 5) -> tuple[list[Alert], list[str]]:
    """One alert per new sexual offence, each with its best link candidates and
    best-matching series from the linkage engine (``workbench.linkage.service.suggest``,
    as ``workbench link suggest``; the crime group is loaded once, so every offence is
    linked); a note says when the engine could not score an offence."""
    from workbench.linkage import service

    if new_sexual.empty:
        return [], []
    notes: list[str] = []
    alerts = []
    for row in new_sexual.itertuples(index=False):
        when = row.committed_from.strftime("%d %b %Y %H:%M")
        place = ", ".join(p for p in (row.ward, row.borough) if isinstance(p, str)) or "no borough"
        summary = f"{label(row.category)} {row.offence_ref} on {when} in {place}"
        detail: dict = {"offence": row.offence_ref, "category": row.category}
        ids = [int(row.id)]
        found = _suggest(service, store, int(row.id), top, notes)
        if found is not None:
            detail["candidates"] = [{k: c.get(k) for k in ("offence", "id", "score", "category", "reasons")}
                                    for c in found["candidates"]]
            detail["series"] = found.get("series")
            if found["candidates"]:
                best = found["candidates"][0]
                if best["score"] >= STRONG_LINK:
                    summary += f"; best link candidate {best['offence']} (score {best['score']:.2f})"
                else:
                    summary += f"; no strong link candidate (best scores {best['score']:.2f})"
            if found.get("series"):
                summary += f"; best-matching series {found['series']['name'] or found['series']['id']}"
            ids += [int(c["id"]) for c in found["candidates"]]
        rows = fetch_rows(store, ids, ("easting", "northing"))
        bbox = bbox_of([v[0] for v in rows.values()], [v[1] for v in rows.values()])
        alerts.append(Alert("sexual_offence", summary, ids, bbox, detail))
    return alerts, list(dict.fromkeys(notes))


def _suggest(service, store: Store, offence_id: int, top: int, notes: list[str]) -> dict | None:
    """The linkage engine's suggestions for one offence, or None (with a note) when it
    cannot score it (e.g. no model and too few offences of its kind)."""
    try:
        return service.suggest(store, str(offence_id), top=top)
    except UserError as exc:
        notes.append(f"no link candidates for offence {offence_id}: {exc}")
        return None


# -- repeat and near-repeat locations ---------------------------------------------

LOOKBACK_DAYS = 365


def repeat_location_alerts(store: Store, history: pd.DataFrame, new: pd.DataFrame, *, top: int = 10) -> list[Alert]:
    """Locations offended against again in the last year where at least one offence is new
    (:func:`workbench.geo.repeats.repeat_locations`), most offences first."""
    if new.empty or history.empty:
        return []
    since = new["committed_from"].max() - pd.Timedelta(days=LOOKBACK_DAYS)
    recent = pd.concat([history[history["committed_from"] >= since], new]).drop_duplicates("id")
    recent = recent[np.isfinite(recent["easting"]) & np.isfinite(recent["northing"])]
    # Rank the points holding a new offence by their offences first, so the full
    # description (repeat_locations) is only built for the few reported.
    key = recent["easting"].round().astype(np.int64) * 10_000_000 + recent["northing"].round().astype(np.int64)
    is_new = recent["id"].isin(new["id"])
    counts = pd.DataFrame({"key": key, "new": is_new}).groupby("key")["new"].agg(["size", "sum"])
    counts = counts[(counts["size"] >= 2) & (counts["sum"] > 0)]
    best = counts.sort_values(["size", "sum"], ascending=False, kind="stable").head(top).index
    chosen = recent[key.isin(best)].drop(columns=["location_desc"], errors="ignore")
    described = fetch_rows(store, chosen["id"].tolist(), ("location_desc",))
    chosen = chosen.assign(location_desc=chosen["id"].map(lambda i: described.get(int(i), (None,))[0]))
    found = repeat_locations(chosen, min_offences=2)
    if found.empty:
        return []
    new_ids = set(new["id"].tolist())
    found["new"] = found["offence_ids"].map(lambda ids: sum(i in new_ids for i in ids))
    found["new_categories"] = found["offence_ids"].map(
        lambda ids: _top_labels(new.loc[new["id"].isin(ids), "category"]))
    alerts = []
    for row in found.itertuples(index=False):
        place = row.location or f"{row.easting:.0f}, {row.northing:.0f}"
        area = f" ({row.ward or row.borough})" if (row.ward or row.borough) else ""
        summary = (f"Repeat location {place}{area}: {row.offences} offences since "
                   f"{row.first:%d %b %Y}, {row.new} new ({row.new_categories})")
        alerts.append(Alert("repeat_location", summary, [int(i) for i in row.offence_ids],
                            bbox_of([row.easting], [row.northing]),
                            {"easting": row.easting, "northing": row.northing, "location": row.location,
                             "offences": int(row.offences), "new": int(row.new)}))
    return alerts


def near_repeat_alerts(history: pd.DataFrame, new: pd.DataFrame, control, *, unit: str = "week",
                       permutations: int = PERMUTATIONS, seed: int = SEED, distance_band: float = 100.0,
                       distance_bands: int = 4, time_band: float = 7.0, time_bands: int = 4,
                       min_events: int = 30) -> tuple[list[Alert], list[str]]:
    """Near-repeat risk zones after new burglaries, one alert per borough.

    The Knox table (:func:`workbench.geo.nearrepeat.knox`) of the last year's burglaries
    says how far and for how long a repeat is significantly more likely; every new
    burglary whose window is still open at the end of the data gets a risk zone.
    """
    burglary = new[new["category"].isin(GROUPS["burglary"])]
    if burglary.empty:
        return [], []
    if unit == "month":
        return [], ["near-repeat risk needs offence dates to the day; this data is by month"]
    since = burglary["committed_from"].max() - pd.Timedelta(days=LOOKBACK_DAYS)
    events = history[(history["committed_from"] >= since) & history["category"].isin(GROUPS["burglary"])]
    events = events[np.isfinite(events["easting"]) & np.isfinite(events["northing"])]
    if len(events) < min_events:
        return [], [f"near-repeat risk not assessed: {len(events)} burglaries in the last year "
                    f"(at least {min_events} are needed)"]
    table = knox(events["easting"], events["northing"], event_days(events), distance_band=distance_band,
                 distance_bands=distance_bands, time_band=time_band, time_bands=time_bands,
                 permutations=permutations, seed=seed, progress=control.report, cancelled=None)
    zones = risk_zones(table, burglary["easting"], burglary["northing"], burglary["committed_from"],
                       ids=burglary["id"].tolist())
    latest = history["committed_from"].max()
    zones = zones[zones["end"] >= latest.normalize()] if len(zones) else zones
    if zones.empty:
        return [], []
    boroughs = burglary.set_index("id")["borough"].fillna("no borough")
    alerts = []
    for borough, part in zones.groupby(zones["offence"].map(boroughs), sort=True):
        ids = [int(i) for i in part["offence"]]
        window = part.iloc[0]
        summary = (f"Near-repeat risk in {borough}: {len(ids)} new burglar{'ies' if len(ids) > 1 else 'y'}; "
                   f"{window['summary'][0].lower()}{window['summary'][1:]}, until {part['end'].max():%d %b %Y}")
        minx, miny, maxx, maxy = part.total_bounds
        alerts.append(Alert("near_repeat", summary, ids, (float(minx), float(miny), float(maxx), float(maxy)),
                            {"borough": borough, "radius_m": float(window["radius_m"]), "days": float(window["days"]),
                             "knox_ratio": round(float(window["knox_ratio"]), 3),
                             "zones": [{"offence": int(o), "easting": float(g.centroid.x), "northing": float(g.centroid.y),
                                        "until": e.date().isoformat()}
                                       for o, g, e in zip(part["offence"], part.geometry, part["end"])]}))
    return alerts, []
