"""Repeat locations: the same point offended against again, ranked.

police.uk points are snapped to anonymised map points and force records carry exact
coordinates, so "the same location" is the same BNG point to the metre; the location
description most often recorded there names it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def repeat_locations(frame: pd.DataFrame, *, min_offences: int = 2, top: int | None = None) -> pd.DataFrame:
    """Locations with at least ``min_offences`` offences, most offences first.

    Parameters
    ----------
    frame : DataFrame
        Offences with ``id``, ``easting``, ``northing`` and optionally ``location_desc``,
        ``category``, ``committed_from``, ``borough``, ``ward``.
    min_offences : int
        Fewest offences that make a repeat location (default 2).
    top : int, optional
        Keep only this many.

    Returns
    -------
    DataFrame
        One row per location: ``rank``, ``easting``, ``northing``, ``location``,
        ``offences``, ``first``, ``last`` (dates), ``categories`` (comma-separated),
        ``borough``, ``ward``, ``offence_ids`` (list). Ties rank by the most recent.
    """
    columns = ["rank", "easting", "northing", "location", "offences", "first", "last",
               "categories", "borough", "ward", "offence_ids"]
    data = frame[np.isfinite(frame["easting"].to_numpy(float)) & np.isfinite(frame["northing"].to_numpy(float))]
    if data.empty:
        return pd.DataFrame(columns=columns)
    east = data["easting"].to_numpy(float).round().astype(np.int64)
    north = data["northing"].to_numpy(float).round().astype(np.int64)
    key = (east - east.min()) * (int(north.max() - north.min()) + 1) + (north - north.min())
    _, place, sizes = np.unique(key, return_inverse=True, return_counts=True)
    keep = sizes[place] >= min_offences
    if not keep.any():
        return pd.DataFrame(columns=columns)
    data, east, north = data[keep], east[keep], north[keep]
    _, group = np.unique(place[keep], return_inverse=True)
    n_groups = int(group.max()) + 1
    when = (data["committed_from"] if "committed_from" in data
            else pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns]"))
    by_group = pd.Series(when.to_numpy(), index=group).groupby(level=0)
    # Offence ids per location, in date order (undated last).
    stamp = when.to_numpy().astype("datetime64[ns]").view(np.int64).copy()
    stamp[pd.isna(when).to_numpy()] = np.iinfo(np.int64).max
    order = np.lexsort((stamp, group))
    counts = np.bincount(group, minlength=n_groups)
    ids = np.split(data["id"].to_numpy()[order], np.cumsum(counts)[:-1])
    first_east = np.empty(n_groups)
    first_north = np.empty(n_groups)
    first_east[group] = east
    first_north[group] = north
    out = pd.DataFrame({
        "easting": first_east, "northing": first_north,
        "location": _most_common(group, data.get("location_desc"), n_groups),
        "offences": counts,
        "first": by_group.min().reindex(range(n_groups)).to_numpy(),
        "last": by_group.max().reindex(range(n_groups)).to_numpy(),
        "categories": _distinct_joined(group, data.get("category"), n_groups),
        "borough": _most_common(group, data.get("borough"), n_groups),
        "ward": _most_common(group, data.get("ward"), n_groups),
        "offence_ids": [part.tolist() for part in ids],
    })
    out = out.sort_values(["offences", "last"], ascending=[False, False], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.head(top) if top else out


def _pairs(group: np.ndarray, values: pd.Series | None) -> pd.DataFrame:
    """(group, value) rows with a value, for per-location summaries."""
    if values is None:
        return pd.DataFrame({"g": np.array([], np.int64), "v": np.array([], object)})
    pairs = pd.DataFrame({"g": group, "v": values.to_numpy(object)})
    return pairs[pairs["v"].notna()]


def _most_common(group: np.ndarray, values: pd.Series | None, n_groups: int) -> np.ndarray:
    """The most frequent value in each group (ties: the smallest, as ``Series.mode``);
    None where a group has no value. One grouped count, no per-group Python."""
    out = np.full(n_groups, None, dtype=object)
    pairs = _pairs(group, values)
    if pairs.empty:
        return out
    tally = pairs.groupby(["g", "v"], sort=False).size().reset_index(name="n")
    best = tally.sort_values(["g", "n", "v"], ascending=[True, False, True], kind="stable").drop_duplicates("g")
    out[best["g"].to_numpy()] = best["v"].to_numpy()
    return out


def _distinct_joined(group: np.ndarray, values: pd.Series | None, n_groups: int) -> np.ndarray:
    """Each group's distinct values, sorted and comma-separated ("" for none)."""
    out = np.full(n_groups, "", dtype=object)
    pairs = _pairs(group, values)
    if pairs.empty:
        return out
    distinct = pairs.drop_duplicates().sort_values(["g", "v"], kind="stable")
    g = distinct["g"].to_numpy()
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    parts = np.split(distinct["v"].to_numpy(object), starts[1:])
    out[g[starts]] = [", ".join(part) for part in parts]
    return out
