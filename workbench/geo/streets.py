"""Street names without a street map: labels from police.uk locations, and the street
finder ("go to Holloway Road").

police.uk publishes every offence at an anonymised point with a description "On or near
<street>" (or a kind of place: "On or near Supermarket"). The points of one street name
lie along that street, so a label at the middle of each group of points puts the name
where the street is. Groups further apart than :data:`JOIN_METRES` are separate streets
of the same name (every borough has a High Street).

The finder matches a typed name against named roads of an imported basemap and these
labels, ignoring case, "go to" and the usual abbreviations (Rd, St, Ave...), exact
matches first, then names that start with or contain the text, then close spellings.

Example
-------
>>> street_name("On or near Holloway Road"), street_name("On or near Supermarket")
('Holloway Road', None)
>>> normalise("go to holloway rd")
'holloway road'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.cluster.hierarchy import fcluster, linkage

from workbench.store import Store
from workbench.store.basemap import Feature, replace_source, street_locations

PREFIX = "on or near "
#: police.uk's descriptions of places that are not streets.
PLACES = {
    "supermarket", "nightclub", "theatre/concert hall", "parking area", "further/higher educational building",
    "shopping area", "petrol station", "pedestrian subway", "hospital", "conference/exhibition centre",
    "sports/recreation area", "police station", "bus/coach station", "park/open space", "airport/airfield",
    "prison", "hotel", "church", "mosque", "theme/adventure park", "motorway/service area", "place of worship",
    "university", "school", "railway station", "underground station", "ferry terminal", "nature reserve",
    "", "unknown",
}
JOIN_METRES = 800.0
STREET_SOURCE = "police.uk street names"
STREET_ATTRIBUTION = "Street names from police.uk locations (Open Government Licence v3.0)"
ABBREVIATIONS = {"rd": "road", "st": "street", "ave": "avenue", "ln": "lane", "sq": "square", "pl": "place",
                 "gdns": "gardens", "cres": "crescent", "dr": "drive", "ct": "court", "tce": "terrace",
                 "gr": "grove", "pk": "park", "hl": "hill"}


def street_name(description: str | None) -> str | None:
    """The street of a police.uk location description, or None for a place that is not
    a street (a supermarket, a parking area...)."""
    if not description:
        return None
    text = " ".join(str(description).split())
    if text.lower().startswith(PREFIX):
        text = text[len(PREFIX):]
    if text.lower() in PLACES or "/" in text:
        return None
    return text


def normalise(text: str) -> str:
    """A name as the finder compares it: lower case, no "go to", abbreviations spelt out."""
    words = re.sub(r"[^\w' ]", " ", str(text).casefold()).split()
    if words[:2] == ["go", "to"]:
        words = words[2:]
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


@dataclass
class Street:
    """One street (a name and one place): a label point and its extent."""

    name: str
    easting: float
    northing: float
    bounds: tuple[float, float, float, float]
    weight: int

    def as_json(self) -> dict:
        return {"name": self.name, "easting": round(self.easting), "northing": round(self.northing),
                "bbox": [round(v) for v in self.bounds], "offences_or_segments": self.weight}


def _groups(x: np.ndarray, y: np.ndarray, join: float) -> np.ndarray:
    """Group number of each point: points within ``join`` metres of each other (single
    linkage, on distinct locations) share a group."""
    if len(x) == 1:
        return np.zeros(1, int)
    xy = np.column_stack([x, y])
    distinct, inverse = np.unique(np.round(xy), axis=0, return_inverse=True)
    if len(distinct) == 1:
        return np.zeros(len(x), int)
    labels = fcluster(linkage(distinct, method="single"), t=join, criterion="distance")
    return labels[inverse.ravel()]


def _streets(names: list[str], x: np.ndarray, y: np.ndarray, weights: np.ndarray, join: float) -> list[Street]:
    out = []
    order = np.argsort(names, kind="stable")
    names_sorted = np.asarray(names, dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, names_sorted[1:] != names_sorted[:-1]])
    for begin, end in zip(starts, np.r_[starts[1:], len(order)]):
        rows = order[begin:end]
        groups = _groups(x[rows], y[rows], join)
        for g in np.unique(groups):
            part = rows[groups == g]
            px, py, w = x[part], y[part], weights[part]
            mx, my = np.median(px), np.median(py)
            nearest = int(np.argmin((px - mx) ** 2 + (py - my) ** 2))      # a label on a real point
            out.append(Street(str(names_sorted[begin]), float(px[nearest]), float(py[nearest]),
                              (float(px.min()), float(py.min()), float(px.max()), float(py.max())), int(w.sum())))
    return sorted(out, key=lambda s: -s.weight)


def street_labels(descriptions, easting, northing, *, join: float = JOIN_METRES) -> list[Street]:
    """One label per street name and place from police.uk descriptions and points,
    heaviest (most offences) first; places that are not streets are left out."""
    names = [street_name(d) for d in descriptions]
    keep = np.array([n is not None for n in names], bool)
    if not keep.any():
        return []
    x = np.asarray(easting, float)[keep]
    y = np.asarray(northing, float)[keep]
    return _streets([n for n in names if n is not None], x, y, np.ones(len(x), int), join)


def find_streets(query: str, features, *, limit: int = 10, join: float = 2500.0) -> list[Street]:
    """Streets matching ``query`` among named features (objects with ``name``,
    ``geometry``, ``weight``), best match first: exact, then starts with, then contains,
    then close spellings; within each, the busiest first."""
    wanted = normalise(query)
    if not wanted:
        return []
    by_key: dict[str, list] = {}
    for f in features:
        by_key.setdefault(normalise(f.name), []).append(f)
    exact = [k for k in by_key if k == wanted]
    starts = [k for k in by_key if k.startswith(wanted) and k != wanted]
    contains = [k for k in by_key if wanted in k and not k.startswith(wanted)]
    close = difflib.get_close_matches(wanted, [k for k in by_key if wanted not in k], n=limit, cutoff=0.75)
    out: list[Street] = []
    for tier in (exact, starts, contains, close):
        found = []
        for key in tier:
            items = by_key[key]
            points = shapely.centroid([f.geometry for f in items])
            boxes = np.array([f.geometry.bounds for f in items])
            x, y = shapely.get_x(points), shapely.get_y(points)
            for street in _streets([items[0].name] * len(items), x, y, np.array([f.weight for f in items]), join):
                in_group = (x >= street.bounds[0] - 1) & (x <= street.bounds[2] + 1) & \
                           (y >= street.bounds[1] - 1) & (y <= street.bounds[3] + 1)
                street.bounds = (float(boxes[in_group, 0].min()), float(boxes[in_group, 1].min()),
                                 float(boxes[in_group, 2].max()), float(boxes[in_group, 3].max()))
                found.append(street)
        out += sorted(found, key=lambda s: -s.weight)
        if len(out) >= limit:
            break
    return out[:limit]


def build_street_labels(store: Store) -> int:
    """Street-name labels from the store's police.uk "On or near <street>" locations
    (replacing earlier ones); returns how many streets were labelled."""
    descriptions, x, y = street_locations(store)
    streets = street_labels(descriptions, x, y)
    features = [Feature("street_label", s.name, shapely.Point(s.easting, s.northing), s.weight) for s in streets]
    with store.atomic():
        replace_source(store, STREET_SOURCE, STREET_ATTRIBUTION, features, None)
    return len(features)

