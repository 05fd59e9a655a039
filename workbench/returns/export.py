"""Build and write a borough's return for a period (see :mod:`workbench.returns.schema`).

Series: every force or confirmed series with an offence in the borough in the period.
Hotspots: the period's KDE hotspots of the borough. Offenders of interest: people linked
to at least :data:`MIN_OFFENDER_OFFENCES` offences in the borough in the period, or to a
series in the return. Only counts, references, dates, categories and locations go out:
no victim details and no intelligence text.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import shapely

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput
from workbench.identity import current_user
from workbench.release import Content, Output, Released, export, policy, release
from workbench.returns.schema import SCHEMA_NAME, SCHEMA_VERSION
from workbench.store import Store
from workbench.store.db import now_iso
from workbench.store.offences import OffenceFilter, load_frame, load_offender_links
from workbench.tasking import sources

MIN_OFFENDER_OFFENCES = 2
#: Buffer (metres) round a series' offences to make the area sent with it.
SERIES_AREA_M = 200.0
COLUMNS = ("offence_ref", "category", "committed_from", "easting", "northing", "series_ref")


def build_return(store: Store, borough: str, period_from: date, period_to: date) -> dict:
    """The return document of ``borough`` for ``period_from``..``period_to`` (inclusive)."""
    if period_to < period_from:
        raise BadInput("the return's period ends before it starts")
    frame = load_frame(store, OffenceFilter(boroughs=[borough], date_from=period_from.isoformat(),
                                            date_to=(period_to + timedelta(days=1)).isoformat()), columns=COLUMNS)
    if frame.empty:
        raise BadInput(f"no offences in {borough} between {period_from} and {period_to}: is the borough "
                         "name right and are its boundaries loaded?")
    links = load_offender_links(store, frame["id"].tolist())
    links = links[links["role"] == "offender"].merge(frame, left_on="offence_id", right_on="id")
    series = _series(store, frame, links, borough)
    notes = []
    try:
        hotspots = [{k: h[k] for k in ("id", "offences", "area_ha", "easting", "northing", "wkt", "detail")}
                    for h in sources.hotspots_for_period(store, period_from, period_to, borough)]
    except sources.NotAvailable as exc:
        hotspots = []
        notes.append(str(exc))
    return {"schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION, "borough": borough,
            "period_from": period_from.isoformat(), "period_to": period_to.isoformat(),
            "generated_at": now_iso(), "generated_by": current_user(),
            "marking": store.setting("security_marking", "OFFICIAL-SENSITIVE"), "crs": "EPSG:27700",
            "series": series, "hotspots": hotspots,
            "offenders": _offenders(links, {k for s in series for k in s["offenders"]}, series),
            "notes": notes}


def _span(rows: pd.DataFrame) -> dict:
    return {"offences": int(len(rows)), "categories": {str(k): int(v) for k, v in rows["category"].value_counts().items()},
            "first": rows["committed_from"].min().date().isoformat(),
            "last": rows["committed_from"].max().date().isoformat(),
            "easting": round(float(rows["easting"].mean())), "northing": round(float(rows["northing"].mean()))}


def series_id(problem, borough: str) -> str:
    """A series' id in a return, unique across boroughs: the borough's own (linkage)
    series carry the borough as a prefix (``Camden/S1``), so two boroughs' local series
    "S1" are never taken for one; a force-wide series reference stays as it is, since the
    same reference on both sides really is one cross-border series."""
    ref = str(problem.source_ref)
    return f"{borough}/{ref}" if problem.source_kind == "series" and problem.local else ref


def _series(store: Store, frame: pd.DataFrame, links: pd.DataFrame, borough: str) -> list[dict]:
    out = []
    by_id = frame.set_index("id")
    for problem in sources.list_series(store):
        ids = [i for i in problem.offence_ids if i in by_id.index]
        if not ids:
            continue
        rows = by_id.loc[ids].dropna(subset=["easting", "northing"])
        if rows.empty:
            continue
        hull = shapely.MultiPoint(rows[["easting", "northing"]].to_numpy(float)).convex_hull.buffer(SERIES_AREA_M)
        offenders = sorted(links.loc[links["offence_id"].isin(ids), "offender_key"].unique().tolist())
        out.append({"id": series_id(problem, borough), "title": problem.title, **_span(rows),
                    "offence_refs": sorted(rows["offence_ref"].tolist()), "offenders": offenders,
                    "area_wkt": shapely.set_precision(hull, 1.0).wkt})
    return sorted(out, key=lambda s: (-s["offences"], s["id"]))


def _offenders(links: pd.DataFrame, in_series: set[str], series: list[dict]) -> list[dict]:
    out = []
    for key, rows in links.groupby("offender_key"):
        rows = rows.drop_duplicates("offence_id").dropna(subset=["easting", "northing"])
        if rows.empty or (len(rows) < MIN_OFFENDER_OFFENCES and key not in in_series):
            continue
        out.append({"key": str(key), **_span(rows),
                    "series": [s["id"] for s in series if key in s["offenders"]]})
    return sorted(out, key=lambda o: (-o["offences"], o["key"]))


def write_json(released: Released, path: Path) -> None:
    """Write a released return (its body, the document) as JSON, its marking the first key."""
    doc = {"marking": released.marking, **released.body}
    doc["marking"] = released.marking
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def write_return(store: Store, borough: str, period_from: date, period_to: date, out: str | Path, *,
                 destination: str = "central-bureau", force: bool = False) -> dict:
    """Release the return for ``destination`` (the force's bureau) and write it to ``out``
    (JSON, audited as ``export.return``); return a summary of what it holds.

    A return holds the store's own records only (counts, references, dates, places), so
    it carries the store's marking and withholds nothing."""
    doc = build_return(store, borough, period_from, period_to)
    released = release(Content(records=True, build=lambda _: doc), policy(store, destination))
    path = Path(out)
    summary = {"out": str(path), "schema_version": SCHEMA_VERSION, "borough": borough,
               "period_from": doc["period_from"], "period_to": doc["period_to"],
               "series": len(doc["series"]), "hotspots": len(doc["hotspots"]), "offenders": len(doc["offenders"]),
               "marking": released.marking}
    export(store, released, [Output(path, write_json)], action=AuditAction.EXPORT_RETURN, object_type="return",
           object_id=borough, detail={k: v for k, v in summary.items() if k != "out"}, force=force)
    return summary
