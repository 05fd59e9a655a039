"""Scan alerts: one thing for the analyst to look at, with the offences behind it.

Every alert has a ``kind``, a one-line ``summary`` in plain English, the ids of the
offences it is about (so the dashboard can select them or show them on the map), their
bounding box, and kind-specific detail. Builders for each kind live here so the scanner
reads as a list of steps.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domain.categories import LABELS
from workbench.scan.newhotspots import NewHotspot
from workbench.scan.searches import SearchUpdate
from workbench.scan.trends import ALL_AREAS, TrendReport, TrendResult
from workbench.store.db import Store
from workbench.store.offences import fetch_rows

#: Alert kinds, most urgent first (the dashboard groups alerts in this order).
KINDS = ("sexual_offence", "trend", "hotspot", "near_repeat", "repeat_location", "saved_search")
KIND_TITLES = {
    "sexual_offence": "New sexual offences",
    "trend": "Emerging trends",
    "hotspot": "New hotspots",
    "near_repeat": "Near-repeat risk",
    "repeat_location": "Repeat locations",
    "saved_search": "Saved searches",
}


@dataclass
class Alert:
    """One finding of a scan."""

    kind: str
    summary: str
    offence_ids: list[int] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        out = {"kind": self.kind, "summary": self.summary, "offence_ids": self.offence_ids,
               "count": len(self.offence_ids), "bbox": list(self.bbox) if self.bbox else None}
        out.update(self.detail)
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Alert":
        """Rebuild an alert from :meth:`as_json` (the dashboard shows the last stored scan)."""
        detail = {k: v for k, v in data.items() if k not in ("kind", "summary", "offence_ids", "count", "bbox")}
        bbox = tuple(data["bbox"]) if data.get("bbox") else None
        return cls(data["kind"], data["summary"], list(data.get("offence_ids") or []), bbox, detail)


def ordered(alerts: list[Alert]) -> list[Alert]:
    """Alerts grouped by kind in :data:`KINDS` order, keeping each kind's own order."""
    rank = {k: i for i, k in enumerate(KINDS)}
    return sorted(alerts, key=lambda a: rank.get(a.kind, len(KINDS)))


def label(category: str) -> str:
    return LABELS.get(category, category)


def bbox_of(x, y, pad: float = 150.0) -> tuple[float, float, float, float] | None:
    """Bounding box of points (padded so a single point gets a viewable area)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    return (float(x[ok].min() - pad), float(y[ok].min() - pad), float(x[ok].max() + pad), float(y[ok].max() + pad))


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
    summary = (f"New {label(hotspot.category).lower()} hotspot around {x:.0f}, {y:.0f} "
               f"({hotspot.area_m2 / 1e4:.1f} ha, {len(hotspot.offence_ids)} offences since "
               f"{report.period_start.date().isoformat()}); not a hotspot in the period before")
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

def _linkage_service():
    """The linkage engine's store-level service, or None when it is not installed."""
    try:
        return importlib.import_module("workbench.linkage.service")
    except ImportError:
        return None


def sexual_offence_alerts(store: Store, new_sexual: pd.DataFrame, *, top: int = 5) -> tuple[list[Alert], list[str]]:
    """One alert per new sexual offence, with its best link candidates and series when
    the linkage engine is available (a note says so when it is not)."""
    if new_sexual.empty:
        return [], []
    service = _linkage_service()
    notes = [] if service is not None else [
        "linkage engine not installed: new sexual offences are listed without link candidates"]
    alerts = []
    for row in new_sexual.itertuples(index=False):
        when = row.committed_from.strftime("%d %b %Y %H:%M")
        place = ", ".join(p for p in (row.ward, row.borough) if isinstance(p, str)) or "no borough"
        summary = f"{label(row.category)} {row.offence_ref} on {when} in {place}"
        detail: dict = {"offence": row.offence_ref, "category": row.category}
        ids = [int(row.id)]
        if service is not None:
            candidates, series = _links(service, store, row, top, notes)
            detail["candidates"] = candidates
            detail["series"] = series
            if candidates:
                best = candidates[0]
                summary += f"; best link candidate {best['offence']} (score {best['score']:.2f})"
            if series:
                summary += f"; best-matching series {series[0]['id']}"
            ids += [c["id"] for c in candidates if c.get("id") is not None]
        rows = fetch_rows(store, ids, ("easting", "northing"))
        bbox = bbox_of([v[0] for v in rows.values()], [v[1] for v in rows.values()])
        alerts.append(Alert("sexual_offence", summary, ids, bbox, detail))
    return alerts, list(dict.fromkeys(notes))


# -- repeat and near-repeat locations ---------------------------------------------

def _geo_module(name: str):
    """A module of the geo package, or None when this installation lacks it."""
    try:
        return importlib.import_module(f"workbench.geo.{name}")
    except ImportError:
        return None


def location_alerts(history: pd.DataFrame, new: pd.DataFrame, control, **options) -> tuple[list[Alert], list[str]]:
    """Repeat locations among the new offences and near-repeat risk zones after new burglaries."""
    alerts: list[Alert] = []
    notes: list[str] = []
    repeats, nearrepeat = _geo_module("repeats"), _geo_module("nearrepeat")
    if repeats is None:
        notes.append("repeat-location analysis not installed: repeat locations were not checked")
    if nearrepeat is None:
        notes.append("near-repeat analysis not installed: near-repeat risk was not assessed")
    return alerts, notes
