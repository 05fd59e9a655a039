"""Evidence for a PATP from the other analysis packages: the comparative case analysis
matrix (linkage), the near-repeat (Knox) table (geo) and the relevant graded
intelligence (intel, filtered by its handling codes).

Each function calls the owning package's API and returns plain JSON-able data for the
PATP body; :func:`collect` records an unavailable source as a note instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely

from workbench.errors import NotAvailable
from workbench.release import Content, policy, release
from workbench.store import Store
from workbench.store.offences import OffenceFilter, load_frame


def collect(notes: list[str], fetch: Callable, *args):
    """``fetch(*args)``, or None with the reason appended to ``notes`` if unavailable."""
    try:
        return fetch(*args)
    except NotAvailable as exc:
        notes.append(str(exc))
        return None


#: Near-repeat test round a problem: same categories, this far round its offences, over
#: this many days before its last offence; bands of 200 m x 7 days (5 x 4 bands).
NEAR_REPEAT_MARGIN_M = 1000.0
NEAR_REPEAT_DAYS = 182
NEAR_REPEAT_MIN_EVENTS = 20
NEAR_REPEAT_PERMUTATIONS = 199
#: At most this many intelligence reports are attached (most relevant first).
MAX_INTELLIGENCE = 20


def cca_matrix(store: Store, offence_ids) -> dict:
    """The CCA matrix of the offences: ``{"columns", "kinds", "rows": [{"offence", "values"}]}``;
    ``kinds`` marks victim columns so packs can withhold them."""
    from workbench.linkage import service

    if not len(offence_ids):
        raise NotAvailable("comparative case analysis needs offences")
    matrix, _ = service.cca(store, list(offence_ids))
    columns = [str(c) for c in matrix.columns]
    kinds = ["victim" if c.startswith("victim") else "mo" if c.startswith("mo ") else "" for c in columns]
    rows = [{"offence": str(ref), "values": ["" if v is None or v != v else str(v) for v in values]}
            for ref, values in zip(matrix.index, matrix.itertuples(index=False))]
    return {"columns": columns, "kinds": kinds, "rows": rows}


def series_risk(store: Store, offence_ids) -> dict:
    """The series' risk indicator from linkage (escalation, shortening intervals):
    ``{"risk": "high"|"medium"|"low", "reasons": [...]}``."""
    from workbench.linkage import service

    if not len(offence_ids):
        raise NotAvailable("a series risk needs offences")
    return service.series_risk(store, list(offence_ids))


def near_repeat_table(store: Store, offence_ids) -> dict:
    """The Knox near-repeat table of offences of the problem's categories in and round its
    area over the half-year to its last offence (observed, expected, ratio, p-value)."""
    from workbench.geo import nearrepeat

    problem = load_frame(store, OffenceFilter(ids=list(offence_ids)),
                         columns=("category", "committed_from", "easting", "northing")).dropna(
        subset=["easting", "northing"])
    if problem.empty:
        raise NotAvailable("near-repeat analysis needs offences with locations")
    end = problem["committed_from"].max().normalize() + pd.Timedelta(days=1)
    minx, miny = problem[["easting", "northing"]].min() - NEAR_REPEAT_MARGIN_M
    maxx, maxy = problem[["easting", "northing"]].max() + NEAR_REPEAT_MARGIN_M
    frame = load_frame(store, OffenceFilter(categories=sorted(problem["category"].unique()),
                                            bbox=(minx, miny, maxx, maxy),
                                            date_from=(end - pd.Timedelta(days=NEAR_REPEAT_DAYS)).date().isoformat(),
                                            date_to=end.date().isoformat()),
                       columns=("committed_from", "committed_to", "easting", "northing")).dropna(
        subset=["easting", "northing"])
    if len(frame) < NEAR_REPEAT_MIN_EVENTS:
        raise NotAvailable(f"near-repeat table: only {len(frame)} offences of these categories in and round the "
                           f"area in the last {NEAR_REPEAT_DAYS} days (needs {NEAR_REPEAT_MIN_EVENTS})")
    result = nearrepeat.knox(frame["easting"].to_numpy(float), frame["northing"].to_numpy(float),
                             nearrepeat.event_days(frame), distance_band=200.0, distance_bands=5, time_band=7.0,
                             time_bands=4, permutations=NEAR_REPEAT_PERMUTATIONS, seed=0, workers=1)
    return {"events": int(len(frame)), "permutations": NEAR_REPEAT_PERMUTATIONS,
            "distance_bands": list(result.distance_bands), "time_bands": list(result.time_bands),
            **{key: _cells(getattr(result, key)) for key in ("observed", "expected", "knox_ratio", "p_value")}}


def _cells(values) -> list[list[float | None]]:
    """A table's cells rounded, a cell without a value (a Knox ratio where no pairs were
    expected) as None: the PATP is stored as JSON, which has no NaN (PostgreSQL refuses it)."""
    return [[round(float(v), 4) if np.isfinite(v) else None for v in row] for row in np.asarray(values, float)]


#: Intelligence evaluations left out of a PATP unless asked for: suspected to be false
#: (3x5x2 ``E``) or suspected false or malicious (5x5x5 ``5``).
DOUBTFUL = {("3x5x2", "E"), ("5x5x5", "5")}
#: How many candidate reports each search may return before ranking.
CANDIDATES = 200


def graded_intelligence(store: Store, problem, offenders: list[str], include_doubtful: bool = False) -> list[dict]:
    """Graded intelligence relevant to the problem, most relevant first, that its handling
    code lets the borough use in its own products (destination ``internal``).

    Candidates are the reports recorded in the problem's area, naming its suspects or
    linked to its offences, and the reports naming a vehicle or postcode those mention.
    They are ranked by relevance (3 points for each of the problem's offences a report is
    linked to, 2 for each suspect it names, 1 for each of the vehicles and postcodes),
    then by distance to the nearest offence of the problem, then newest first. Reports
    graded E (3x5x2) or 5 (5x5x5), suspected false, are left out unless
    ``include_doubtful``. Each item says ``why`` it is there.
    """
    from workbench.intel import search
    from workbench.store import intel as intel_store

    found: dict[int, dict] = {}
    if problem.area is not None:
        for report in search.search_reports(store, bbox=problem.area.bounds, limit=CANDIDATES):
            if report.get("easting") is not None and problem.area.covers(
                    shapely.Point(report["easting"], report["northing"])):
                found[report["id"]] = report
    for person in offenders[:10]:
        for report in search.search_reports(store, entity=f"person:{person}", limit=CANDIDATES):
            found[report["id"]] = report
    links = intel_store.offence_refs(store)
    linked = links[links["offence_id"].isin(list(problem.offence_ids))]
    for report in intel_store.fetch_reports(store, sorted(set(linked["report_id"]) - set(found))):
        found[report["id"]] = search.decorate(report)
    named = intel_store.mentions(store, list(found))
    suspects = {f"person:{p}" for p in offenders} | {str(p) for p in offenders}
    core = set(linked["report_id"]) | set(named.loc[named["value"].isin(suspects) | (
        (named["kind"] == "person") & named["value"].isin(offenders)), "report_id"])
    leads = named[named["report_id"].isin(core) & named["kind"].isin(["vehicle", "postcode"])]
    lead_values = sorted(set(leads["value"]))
    for value in lead_values:
        for report in search.search_reports(store, entity=value, limit=CANDIDATES):
            found.setdefault(report["id"], report)
    named = intel_store.mentions(store, list(found))
    points = load_frame(store, OffenceFilter(ids=list(problem.offence_ids)), columns=("easting", "northing")).dropna()
    xy = points[["easting", "northing"]].to_numpy(float)
    ranked = []
    for report in found.values():
        if not include_doubtful and (report.get("grading"), report.get("intel_eval")) in DOUBTFUL:
            continue
        mine = named[named["report_id"] == report["id"]]
        refs = sorted(set(linked.loc[linked["report_id"] == report["id"], "offence_ref"]))
        people = sorted(set(mine.loc[(mine["kind"] == "person") & mine["value"].isin(offenders), "value"]))
        things = sorted(set(mine.loc[mine["value"].isin(lead_values), "value"]))
        score = 3 * len(refs) + 2 * len(people) + len(things)
        distance = None
        if report.get("easting") is not None and len(xy):
            distance = float(np.min(np.hypot(xy[:, 0] - report["easting"], xy[:, 1] - report["northing"])))
        why = [f"names offence{'s' if len(refs) > 1 else ''} {', '.join(refs)}" if refs else "",
               f"names suspect{'s' if len(people) > 1 else ''} {', '.join(people)}" if people else "",
               f"mentions {', '.join(things)}" if things else "",
               f"{distance:.0f} m from the nearest offence" if distance is not None else ""]
        ranked.append((-score, distance if distance is not None else float("inf"),
                       "".join(chr(0x10FFFF - ord(c)) for c in (report["recorded_at"] or "")), report,
                       score, distance, "; ".join(w for w in why if w)))
    ranked.sort(key=lambda r: r[:3])
    chosen = ranked[:MAX_INTELLIGENCE]
    view = release(Content(reports=[r[3] for r in chosen]), policy(store, "internal"))
    extra = {r[3]["intel_ref"]: r[4:] for r in chosen}
    return [{"ref": r["intel_ref"], "recorded_at": r["recorded_at"], "grade": r["grade"],
             "handling": r.get("handling_notice") or f"{r['grading']} {r['handling']}", "text": r["text"],
             "relevance": extra[r["intel_ref"]][0],
             "distance_m": None if extra[r["intel_ref"]][1] is None else round(extra[r["intel_ref"]][1]),
             "why": extra[r["intel_ref"]][2]} for r in view.reports]
