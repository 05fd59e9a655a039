"""Adapters that turn a series, a hotspot or a person into a neutral
:class:`~workbench.tasking.patp.Problem`, and that fetch hotspots for a period.

Each adapter calls the owning package's public API (tasking may use linkage, geo, intel
and scan: see the feature contract in pyproject.toml).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import shapely

from workbench.domain.categories import LABELS
from workbench.errors import BadInput, NotFound
from workbench.store import Store
from workbench.store.linkage import list_series as list_linkage_series
from workbench.store.offences import OffenceFilter, fetch_rows, force_series, load_offender_links, query_ids
from workbench.tasking.patp import Problem

#: Buffer (metres) round the offences of a series or person to make its tasked area.
AREA_BUFFER_M = 200.0


def offences_area(store: Store, offence_ids, buffer_m: float = AREA_BUFFER_M) -> shapely.Geometry | None:
    """The convex hull of the offences buffered by ``buffer_m`` (None for no offences)."""
    rows = fetch_rows(store, list(offence_ids), ("easting", "northing"))
    if not rows:
        return None
    points = shapely.multipoints(np.array(list(rows.values()), dtype=float))
    return shapely.convex_hull(points).buffer(buffer_m)


# -- problem sources --------------------------------------------------------------

def list_series(store: Store) -> list[Problem]:
    """Every known series: the analyst's series from the linkage store when present,
    and the series the force already linked (``series_ref`` in the offence records)."""
    out = _linkage_series(store)
    known = {p.source_ref for p in out}
    for ref, ids in force_series(store).items():
        if ref not in known:
            out.append(Problem(f"Series {ref}", tuple(ids), source_kind="series", source_ref=ref))
    return out


def problem_from_series(store: Store, series_id: str) -> Problem:
    """The problem of one series (linkage series id or force series reference)."""
    wanted = str(series_id).strip()
    for problem in list_series(store):
        if str(problem.source_ref) == wanted or (problem.local and str(problem.source_ref) == f"S{wanted}"):
            problem.area = offences_area(store, problem.offence_ids)
            return problem
    raise NotFound(f"no series {series_id!r} (see `workbench link series` or the offences' series references)")


def problem_from_offences(store: Store, offence_ids) -> Problem:
    """The problem of offences the analyst chose (by store id), titled by their first references."""
    ids = tuple(sorted({int(i) for i in offence_ids}))
    if not ids:
        raise BadInput("choose at least one offence")
    refs = [str(r[0]) for r in fetch_rows(store, list(ids), ("offence_ref",)).values()]
    title = f"Offences {', '.join(refs[:3])}" + ("..." if len(refs) > 3 else "")
    return Problem(title, ids, offences_area(store, ids), source_kind="offences")


def series_label(problem: Problem, offences: dict[int, tuple] | None = None) -> str:
    """How a series is offered in a picker: its name (a force series has only its reference)
    with its reference, size and, given its offences' ``(category, ward, committed_from)``,
    what and where it is and when: ``Acacia Avenue burglaries (S3): 8 offences, burglary
    residential in Mildmay, Jan-Mar 2025``."""
    ref = str(problem.source_ref)
    named = problem.title not in (f"Series {ref}", f"Series {ref.lstrip('S')}")
    n = len(problem.offence_ids)
    label = f"{problem.title} ({ref})" if named else f"Series {ref}"
    label += f": {n} offence{'s' if n != 1 else ''}"
    rows = [offences[i] for i in problem.offence_ids if offences and i in offences]
    if rows:
        category = Counter(r[0] for r in rows).most_common(1)[0][0]
        wards = Counter(r[1] for r in rows if r[1]).most_common(1)
        days = sorted(str(r[2])[:10] for r in rows if r[2])
        label += f", {LABELS.get(category, category).lower()}" + (f" in {wards[0][0]}" if wards else "")
        if days:
            first, last = (date.fromisoformat(x) for x in (days[0], days[-1]))
            label += f", {first:%b %Y}" if (first.year, first.month) == (last.year, last.month) else (
                f", {first:%b}-{last:%b %Y}" if first.year == last.year else f", {first:%b %Y}-{last:%b %Y}")
    return label


def series_choices(store: Store) -> list[tuple[str, str]]:
    """Every series as ``(label, reference)`` for a picker (:func:`series_label`), the most
    recently active first."""
    series = list_series(store)
    ids = sorted({i for p in series for i in p.offence_ids})
    offences = fetch_rows(store, ids, ("category", "ward", "committed_from"))

    def last(problem: Problem) -> str:
        return max((str(offences[i][2]) for i in problem.offence_ids if i in offences), default="")

    return [(series_label(p, offences), str(p.source_ref)) for p in sorted(series, key=last, reverse=True)]


def problem_from_person(store: Store, person: str) -> Problem:
    """The problem of one offender: the offences they are linked to."""
    links = load_offender_links(store)
    ids = tuple(sorted(int(i) for i in links.loc[links["offender_key"] == person, "offence_id"].unique()))
    if not ids:
        raise BadInput(f"no offences are linked to person {person!r}")
    return Problem(f"Offending by {person}", ids, offences_area(store, ids), source_kind="person",
                   source_ref=person, problem_type="offender", subjects=(person,))


def problem_from_hotspot(store: Store, polygon: shapely.Geometry, *, date_from: str, date_to: str,
                         categories=None, title: str | None = None, ref: str | None = None) -> Problem:
    """The problem of a hotspot polygon (BNG): the offences inside it in the period."""
    minx, miny, maxx, maxy = polygon.bounds
    flt = OffenceFilter(categories=categories, date_from=date_from, date_to=date_to, bbox=(minx, miny, maxx, maxy))
    ids = query_ids(store, flt, order_by="id")
    rows = fetch_rows(store, ids.tolist(), ("easting", "northing"))
    inside = [i for i, (x, y) in rows.items() if polygon.covers(shapely.Point(x, y))]
    if not inside:
        raise BadInput("no offences fall inside this hotspot in the period")
    return Problem(title or f"Hotspot {ref or ''}".strip(), tuple(sorted(inside)), polygon,
                   source_kind="hotspot", source_ref=ref, problem_type="hotspot")


def _linkage_series(store: Store) -> list[Problem]:
    return [Problem(series.get("name") or f"Series {series['id']}", tuple(int(i) for i in series["offence_ids"]),
                    source_kind="series", source_ref=f"S{series['id']}", local=True)
            for series in list_linkage_series(store)]


# -- evidence sources -------------------------------------------------------------

#: At most this many hotspots go on an agenda or into a return (largest first).
MAX_HOTSPOTS = 5
#: A hotspot with fewer offences than this is not worth a TTCG's time.
MIN_HOTSPOT_OFFENCES = 3


def hotspots_for_period(store: Store, period_from: date, period_to: date, borough: str | None,
                        categories: list[str] | None = None, *, label: str = "H") -> list[dict]:
    """Hotspots of the period (KDE with learned settings, densest 3% of the borough or of the
    boroughs holding the period's offences), largest first, each with its polygon as WKT,
    centre, offence count and a one-line detail; only offences of ``categories`` when
    given. Ids are ``{label}{YYYYMMDD}-{n}``."""
    from workbench.geo import hotspots
    from workbench.store.boundaries import study_area_for
    from workbench.store.offences import load_frame

    frame = load_frame(store, OffenceFilter(date_from=period_from.isoformat(),
                                            date_to=(period_to + timedelta(days=1)).isoformat(),
                                            boroughs=[borough] if borough else None, categories=categories),
                       columns=("easting", "northing", "category", "committed_from", "borough", "ward"))
    frame = frame.dropna(subset=["easting", "northing"])
    if len(frame) < 3:
        return []
    area = study_area_for(store, frame["borough"], [borough] if borough else None)
    result = hotspots.analyse(frame, clip=area.geometry, areas=area.areas)
    points = result.points[result.points["in_hotspot"]]
    out = []
    for n, polygon in enumerate(result.polygons.geometry[:MAX_HOTSPOTS], 1):
        inside = points[points.geometry.within(polygon.buffer(1.0))]
        if len(inside) < MIN_HOTSPOT_OFFENCES:
            continue
        centre = polygon.centroid
        wards = inside["ward"].dropna().value_counts() if "ward" in inside else []
        place = f" in {wards.index[0]}" if len(wards) else ""
        top = inside["category"].value_counts()
        out.append({"id": f"{label}{period_from:%Y%m%d}-{n}", "wkt": polygon.wkt, "easting": round(centre.x),
                    "northing": round(centre.y), "offences": int(len(inside)),
                    "area_ha": round(polygon.area / 1e4, 1),
                    "detail": f"{len(inside)} offences{place} ({polygon.area / 1e4:.0f} ha), mostly "
                              f"{LABELS.get(top.index[0], top.index[0]).lower()}"})
    return out
