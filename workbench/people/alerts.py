"""The scan's people alerts.

- ``repeat_victim``: a victim reference with :data:`REPEAT_VICTIM_OFFENCES` or more
  offences in :data:`REPEAT_VICTIM_DAYS`, at least one of them new;
- ``missing_person``: a person missing :data:`REPEAT_MISSING_EPISODES` or more times in
  :data:`REPEAT_MISSING_DAYS` (the College of Policing's definition of a repeat missing
  person), at least one episode in the scan's period;
- ``missing_location``: last-seen or found locations of missing episodes clustering
  within :data:`CLUSTER_RADIUS_M` of one place (:data:`CLUSTER_EPISODES` or more in
  :data:`CLUSTER_DAYS`), at least one episode in the scan's period;
- ``nominal_near_offence``: a flagged nominal (RSO, IOM or PPO) living within
  :data:`NEAR_KM` of a new sexual offence whose description (of the offence, or of its
  series: the analyst's confirmed series, else the force's series reference) they match;
- ``nominal_breach``: a new offence by a nominal inside their exclusion zone, or during
  their curfew more than :data:`CURFEW_AWAY_M` from home.

Every builder takes plain data (DataFrames) and returns
:class:`workbench.domain.alerts.Alert` objects, so each is tested on hand-made data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from workbench.domain.alerts import Alert, bbox_of
from workbench.domain.categories import LABELS, is_sexual
from workbench.domain.people import FLAGS, MANAGED
from workbench.people.defaults import (
    REPEAT_MISSING_DAYS,
    REPEAT_MISSING_EPISODES,
    REPEAT_VICTIM_DAYS,
    REPEAT_VICTIM_OFFENCES,
)
from workbench.people.description import ATTRIBUTE_LABELS, combined, compare
from workbench.store.boundaries import AreaLocator
from workbench.store.db import Store
from workbench.store.linkage import get_series, series_members, series_of
from workbench.store.offences import load_features
from workbench.store.people import (
    load_episodes,
    load_nominals,
    offences_and_series,
    people_offences,
    victim_offences,
)

CLUSTER_RADIUS_M = 250.0
CLUSTER_EPISODES = 5
CLUSTER_DAYS = 180
NEAR_KM = 2.0
#: A nominal matches a description when sex agrees, at least :data:`MATCH_ATTRIBUTES`
#: attributes could be compared and this share of them match (close ones count half).
MATCH_THRESHOLD = 0.75
MATCH_ATTRIBUTES = 3
CURFEW_AWAY_M = 200.0
#: At most this many alerts of one kind per scan (the People view lists them all).
MOST_PER_KIND = 25



def _label(category: str) -> str:
    return LABELS.get(category, category)


def _s(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


# -- repeat victims ---------------------------------------------------------------

def _qualifying(frame: pd.DataFrame, key: str, when: str, days: int, minimum: int,
                most: int) -> tuple[dict, int]:
    """Per group of ``key``: its rows within ``days`` up to its latest, for groups with at
    least ``minimum`` such rows, one of them new (column ``new``); the ``most`` largest
    (then latest) as ``{group: rows}`` in that order, and how many qualified in all.
    Vectorised: a force holds hundreds of thousands of victims."""
    if frame.empty:
        return {}, 0
    latest = frame.groupby(key)[when].transform("max")
    window = frame[frame[when] > latest - pd.Timedelta(days=days)]
    stats = window.groupby(key).agg(n=(when, "size"), new=("new", "sum"), last=(when, "max"))
    keep = stats[(stats["n"] >= minimum) & (stats["new"] > 0)].sort_values(["n", "last"], ascending=False)
    chosen = keep.index[:most]
    groups = dict(tuple(window[window[key].isin(chosen)].sort_values(when, kind="stable").groupby(key)))
    return {k: groups[k] for k in chosen}, len(keep)


def repeat_victim_alerts(victims: pd.DataFrame, new_ids, *, min_offences: int = REPEAT_VICTIM_OFFENCES,
                         days: int = REPEAT_VICTIM_DAYS, most: int = MOST_PER_KIND) -> tuple[list[Alert], int]:
    """Victims with ``min_offences`` or more offences in the ``days`` up to their newest,
    at least one in ``new_ids`` (``victims`` as
    :func:`workbench.store.people.victim_offences` returns): alerts for the ``most`` with
    most offences, and how many victims qualified in all."""
    frame = victims.assign(new=victims["id"].isin({int(i) for i in new_ids}))
    groups, total = _qualifying(frame, "victim_ref", "committed_from", days, min_offences, most)
    alerts = []
    for ref, window in groups.items():
        new = int(window["new"].sum())
        counts = ", ".join(f"{_label(c).lower()} {n}" for c, n in window["category"].value_counts().items())
        summary = (f"Repeat victim {ref}: {_s(len(window), 'offence')} since "
                   f"{window['committed_from'].min():%d %b %Y} ({counts}), {new} new")
        alerts.append(Alert("repeat_victim", summary, [int(i) for i in window["id"]],
                            bbox_of(window["easting"], window["northing"]),
                            {"victim_ref": ref, "offences": len(window), "new": new,
                             "offence_refs": window["offence_ref"].tolist()}))
    return alerts, total


# -- missing people ---------------------------------------------------------------

def _episode_text(row) -> str:
    found = f", found {row.found_at:%d %b %H:%M}" if pd.notna(row.found_at) else ", still missing"
    return f"{row.episode_ref} reported {row.reported_at:%d %b %Y %H:%M}{found} ({row.risk} risk)"


def repeat_missing_alerts(episodes: pd.DataFrame, *, min_episodes: int = REPEAT_MISSING_EPISODES,
                          days: int = REPEAT_MISSING_DAYS, most: int = MOST_PER_KIND) -> tuple[list[Alert], int]:
    """People missing ``min_episodes`` or more times in ``days`` up to their latest episode,
    at least one of them new (``episodes["new"]``, see :func:`new_episodes`): alerts for
    the ``most`` missing most often, and how many people qualified in all."""
    groups, total = _qualifying(episodes, "person_ref", "reported_at", days, min_episodes, most)
    alerts = []
    for person, window in groups.items():
        homes = sorted({h for h in window["home_type"].dropna() if h})
        flags = sorted({f for text in window["flags"].dropna() for f in text.split(";") if f})
        risks = window["risk"].tolist()
        worst = next((r for r in ("high", "medium", "low", "no-apparent-risk") if r in risks), risks[-1])
        extra = "".join([f" from {', '.join(homes)}" if homes else "", f"; flags: {', '.join(flags)}" if flags else ""])
        summary = (f"Repeat missing person {person}: {_s(len(window), 'episode')} since "
                   f"{window['reported_at'].min():%d %b %Y}{extra}; highest risk {worst}")
        xs = pd.concat([window["last_seen_easting"], window["found_easting"]])
        ys = pd.concat([window["last_seen_northing"], window["found_northing"]])
        alerts.append(Alert("missing_person", summary, [], bbox_of(xs, ys),
                            {"person_ref": person, "episodes": len(window), "highest_risk": worst,
                             "home_types": homes, "flags": flags,
                             "episode_refs": window["episode_ref"].tolist(),
                             "timeline": [_episode_text(r) for r in window.itertuples(index=False)]}))
    return alerts, total


def missing_location_alerts(episodes: pd.DataFrame, *, radius_m: float = CLUSTER_RADIUS_M,
                            min_episodes: int = CLUSTER_EPISODES, days: int = CLUSTER_DAYS,
                            place_of=None, most: int = MOST_PER_KIND) -> list[Alert]:
    """Places where the last-seen or found locations of ``min_episodes`` or more episodes
    in the last ``days`` fall within ``radius_m``, at least one of them new
    (``episodes["new"]``). Densest first; each last-seen or found point counts towards
    one place only (an episode may count at the place it was last seen and where found).
    ``place_of(x, y)`` names a place for the summary (e.g. its ward); at most ``most``."""
    if episodes.empty:
        return []
    window = episodes[episodes["reported_at"] > episodes["reported_at"].max() - pd.Timedelta(days=days)]
    points = pd.concat([
        pd.DataFrame({"x": window["last_seen_easting"], "y": window["last_seen_northing"], "row": range(len(window)),
                      "what": "last seen"}),
        pd.DataFrame({"x": window["found_easting"], "y": window["found_northing"], "row": range(len(window)),
                      "what": "found"})]).dropna(subset=["x", "y"]).reset_index(drop=True)
    if points.empty:
        return []
    xy = points[["x", "y"]].to_numpy(float)
    row_of = points["row"].to_numpy()
    neighbours = cKDTree(xy).query_ball_point(xy, radius_m)
    sizes = np.array([len(np.unique(row_of[n])) for n in neighbours])
    used: set[int] = set()                 # points already reported (a place per point)
    alerts = []
    for i in np.argsort(-sizes, kind="stable"):
        if sizes[i] < min_episodes or len(alerts) >= most:
            break
        free = [j for j in neighbours[i] if j not in used]
        rows = sorted(set(row_of[free].tolist()))
        if len(rows) < min_episodes:
            continue
        part = window.iloc[rows]
        if not part["new"].any():
            continue
        used.update(free)
        centre = xy[free].mean(axis=0)
        people = sorted(part["person_ref"].unique())
        kinds = points.iloc[free]["what"].value_counts().to_dict()
        how = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        where = f"{centre[0]:.0f}, {centre[1]:.0f}"
        if place_of is not None and place_of(centre[0], centre[1]):
            where = f"{place_of(centre[0], centre[1])} ({where})"
        summary = (f"Missing episodes cluster in {where}: {_s(len(part), 'episode')} of "
                   f"{_s(len(people), 'person', 'people')} within {radius_m:.0f} m since "
                   f"{part['reported_at'].min():%d %b %Y} ({how})")
        alerts.append(Alert("missing_location", summary, [], bbox_of([centre[0]], [centre[1]], pad=radius_m),
                            {"easting": round(float(centre[0]), 1), "northing": round(float(centre[1]), 1),
                             "radius_m": radius_m, "episodes": len(part), "people": people,
                             "episode_refs": part["episode_ref"].tolist()}))
    return alerts


# -- flagged nominals near new sexual offences ------------------------------------

def _managed(nominals: pd.DataFrame) -> pd.DataFrame:
    keep = nominals["flags"].map(lambda f: any(x in MANAGED for x in f)) & nominals["home_easting"].notna()
    return nominals[keep]


def nominal_near_offence_alerts(offences: pd.DataFrame, features: pd.DataFrame, nominals: pd.DataFrame, *,
                                near_km: float = NEAR_KM, threshold: float = MATCH_THRESHOLD,
                                series: dict[int, tuple[str, list[int]]] | None = None) -> list[Alert]:
    """For each new sexual offence in ``offences`` (id, offence_ref, category,
    committed_from, easting, northing, series_ref), the flagged nominals living within
    ``near_km`` whose description matches the offence's (its series' when it has a
    ``series_ref``: ``features`` then holds the suspect features of the series' offences
    too, rows offence_id, name, value; ``offences`` holds the series' other offences
    with ``new`` False). ``series`` maps an offence id to the analyst's confirmed series
    it is in (name, member ids), which takes precedence over the force's reference."""
    managed = _managed(nominals)
    sexual = offences[offences["category"].map(is_sexual) & offences["new"]]
    if managed.empty or sexual.empty:
        return []
    homes = managed[["home_easting", "home_northing"]].to_numpy(float)
    tree = cKDTree(homes)
    alerts = []
    for row in sexual.itertuples(index=False):
        linked, label = [row.id], row.offence_ref
        if series and row.id in series:
            label, linked = series[row.id]
        elif isinstance(row.series_ref, str) and row.series_ref:
            linked = offences.loc[offences["series_ref"] == row.series_ref, "id"].tolist()
            label = f"series {row.series_ref}"
        description = combined(features[features["offence_id"].isin(linked)])
        when = row.committed_from.date()
        found, places = [], []
        for j in tree.query_ball_point([row.easting, row.northing], near_km * 1000.0):
            nominal = managed.iloc[j].to_dict()
            result = compare(nominal, description, when)
            if not result.matches(threshold, MATCH_ATTRIBUTES):
                continue
            distance = float(np.hypot(homes[j, 0] - row.easting, homes[j, 1] - row.northing))
            found.append({"nominal": nominal["nominal_ref"], "distance_m": round(distance),
                          "flags": nominal["flags"], "description": result.as_json()})
            places.append(homes[j])
        if not found:
            continue
        # registered sex offenders first (the offence is sexual), then best match, then nearest
        found.sort(key=lambda f: ("rso" not in f["flags"], -f["description"]["score"], f["distance_m"]))
        best = found[0]
        what = label if len(linked) > 1 else row.offence_ref
        summary = (f"{_s(len(found), 'flagged nominal')} matching the description of {what} "
                   f"({_label(row.category).lower()}, {row.committed_from:%d %b %Y}) live within {near_km:g} km: "
                   f"{best['nominal']} ({', '.join(FLAGS[f] for f in best['flags'] if f in MANAGED)}) "
                   f"{best['distance_m']} m away, matching "
                   f"{', '.join(ATTRIBUTE_LABELS[a] for a in best['description']['matched'])}")
        xs = [row.easting] + [p[0] for p in places]
        ys = [row.northing] + [p[1] for p in places]
        alerts.append(Alert("nominal_near_offence", summary, [int(i) for i in linked], bbox_of(xs, ys),
                            {"offence": row.offence_ref, "series_ref": row.series_ref or None,
             "series": label if len(linked) > 1 else None,
                             "description": description, "nominals": found}))
    return alerts


# -- breaches of conditions ------------------------------------------------------

def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def in_curfew(start: pd.Timestamp, end: pd.Timestamp, curfew_from: str, curfew_to: str) -> bool:
    """True when the whole window ``start``..``end`` (at most a day) lies within the
    curfew hours (which may run over midnight, e.g. 19:00-07:00)."""
    if end - start > pd.Timedelta(hours=24):
        return False
    lo, hi = _minutes(curfew_from), _minutes(curfew_to)
    minutes = pd.date_range(start.floor("min"), end.floor("min"), freq="15min").union([end.floor("min")])
    of_day = minutes.hour * 60 + minutes.minute
    inside = (of_day >= lo) & (of_day < hi) if lo < hi else (of_day >= lo) | (of_day < hi)
    return bool(inside.all())


def breach_alerts(people_offences: pd.DataFrame, nominals: pd.DataFrame, new_ids) -> list[Alert]:
    """New offences (``new_ids``) by nominals (``people_offences`` as
    :func:`workbench.store.people.people_offences` returns) inside their exclusion zone or
    within their curfew hours away from home."""
    new_ids = {int(i) for i in new_ids}
    conditioned = nominals[nominals["exclusion_wkt"].notna() | nominals["curfew_from"].notna()].set_index("nominal_ref")
    offences = people_offences[people_offences["id"].isin(new_ids) & people_offences["person"].isin(conditioned.index)]
    alerts = []
    for row in offences.itertuples(index=False):
        nominal = conditioned.loc[row.person]
        point = shapely.Point(row.easting, row.northing)
        when = f"{row.committed_from:%d %b %Y %H:%M}"
        base = {"nominal": row.person, "offence": row.offence_ref, "category": row.category}
        if isinstance(nominal["exclusion_wkt"], str) and shapely.from_wkt(nominal["exclusion_wkt"]).covers(point):
            alerts.append(Alert("nominal_breach", f"{row.person} breached their exclusion zone: "
                                f"{_label(row.category).lower()} {row.offence_ref} on {when} inside it",
                                [int(row.id)], bbox_of([row.easting], [row.northing]),
                                base | {"condition": "exclusion zone", "zone_wkt": nominal["exclusion_wkt"]}))
        if isinstance(nominal["curfew_from"], str) and in_curfew(row.committed_from, row.committed_to,
                                                                 nominal["curfew_from"], nominal["curfew_to"]):
            home_x, home_y = nominal["home_easting"], nominal["home_northing"]
            away = float(np.hypot(row.easting - home_x, row.northing - home_y)) if pd.notna(home_x) else None
            if away is None or away > CURFEW_AWAY_M:
                where = f"{away:.0f} m from home" if away is not None else "home address not known"
                alerts.append(Alert("nominal_breach", f"{row.person} breached their curfew "
                                    f"({nominal['curfew_from']}-{nominal['curfew_to']}): "
                                    f"{_label(row.category).lower()} {row.offence_ref} on {when}, {where}",
                                    [int(row.id)], bbox_of([row.easting], [row.northing]),
                                    base | {"condition": "curfew",
                                            "curfew": f"{nominal['curfew_from']}-{nominal['curfew_to']}",
                                            "distance_from_home_m": round(away) if away is not None else None}))
    return alerts


# -- the scan step ---------------------------------------------------------------

def new_episodes(episodes: pd.DataFrame, recent_start, last_scan_at: str | None = None) -> pd.Series:
    """Which episodes are new to the analyst: reported in the scan's recent period (from
    ``recent_start``), or imported since their last scan (``last_scan_at``, UTC ISO)."""
    new = episodes["reported_at"] >= pd.Timestamp(recent_start)
    if last_scan_at:
        new |= episodes["imported_at"] >= last_scan_at
    return new


def scan_people(store: Store, new: pd.DataFrame, recent_start, last_scan_at: str | None = None
                ) -> tuple[list[Alert], list[str]]:
    """Every people alert for a scan whose new offences are ``new`` (id, category,
    committed_from...), whose recent period starts at ``recent_start`` and whose analyst
    last scanned at ``last_scan_at``; with notes on what could not be checked."""
    recent_start = pd.Timestamp(recent_start)
    notes, alerts = [], []
    new_ids = new["id"].tolist()
    if new_ids:
        since = new["committed_from"].min() - pd.Timedelta(days=REPEAT_VICTIM_DAYS)
        victims = victim_offences(store, since=since.isoformat())
        if victims.empty:
            notes.append("repeat victims not checked: no offence has a victim_ref (offence CSV 1.1)")
        found, total = repeat_victim_alerts(victims, new_ids)
        alerts += found
        if total > len(found):
            notes.append(f"{total} repeat victims have a new offence; the {len(found)} with most offences are "
                         "alerted (all: workbench people victims, or the People view)")
    lookback = pd.Timedelta(days=max(REPEAT_MISSING_DAYS, CLUSTER_DAYS))
    episodes = load_episodes(store, since=(recent_start - lookback).isoformat())
    episodes["new"] = new_episodes(episodes, recent_start, last_scan_at)
    found, total = repeat_missing_alerts(episodes)
    alerts += found
    if total > len(found):
        notes.append(f"{total} repeat missing people have a new episode; the {len(found)} missing most often are "
                      "alerted (all: workbench people missing, or the People view)")
    locator = AreaLocator(store)

    def ward(x: float, y: float) -> str | None:
        if locator.empty:
            return None
        boroughs, wards = locator.locate(np.array([x]), np.array([y]))
        return ", ".join(p for p in (wards[0], boroughs[0]) if p) or None

    alerts += missing_location_alerts(episodes, place_of=ward)
    nominals = load_nominals(store)
    if nominals.empty:
        notes.append("nominals not checked: none imported (workbench import nominals)")
        return alerts, notes
    sexual = new.loc[new["category"].map(is_sexual), "id"].tolist()
    if sexual:
        confirmed = {}
        for oid in sexual:
            sid = series_of(store, oid)
            if sid is not None:
                name = (get_series(store, sid) or {}).get("name") or sid
                confirmed[oid] = (f"linked series {name}", series_members(store, sid))
        offences = offences_and_series(store, sexual, [i for _, ids in confirmed.values() for i in ids])
        features = load_features(store, offences["id"].tolist(), kind="suspect")
        alerts += nominal_near_offence_alerts(offences, features, nominals, series=confirmed)
    conditioned = nominals.loc[nominals["exclusion_wkt"].notna() | nominals["curfew_from"].notna(), "nominal_ref"]
    if new_ids and len(conditioned):
        alerts += breach_alerts(people_offences(store, conditioned.tolist()), nominals, new_ids)
    return alerts, notes
