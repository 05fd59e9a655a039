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
    data = frame[np.isfinite(frame["easting"]) & np.isfinite(frame["northing"])].copy()
    if data.empty:
        return pd.DataFrame(columns=columns)
    data["_e"] = data["easting"].round().astype(np.int64)
    data["_n"] = data["northing"].round().astype(np.int64)
    for col in ("location_desc", "category", "borough", "ward"):
        if col not in data:
            data[col] = None
    if "committed_from" not in data:
        data["committed_from"] = pd.NaT
    sizes = data.groupby(["_e", "_n"])["id"].transform("size")
    data = data[sizes >= min_offences]
    if data.empty:
        return pd.DataFrame(columns=columns)
    grouped = data.sort_values("committed_from").groupby(["_e", "_n"], sort=False)
    out = pd.DataFrame({
        "easting": grouped["_e"].first().astype(float),
        "northing": grouped["_n"].first().astype(float),
        "location": grouped["location_desc"].agg(_most_common),
        "offences": grouped["id"].size(),
        "first": grouped["committed_from"].min(),
        "last": grouped["committed_from"].max(),
        "categories": grouped["category"].agg(lambda s: ", ".join(sorted(set(s.dropna())))),
        "borough": grouped["borough"].agg(_most_common),
        "ward": grouped["ward"].agg(_most_common),
        "offence_ids": grouped["id"].agg(list),
    }).reset_index(drop=True)
    out = out.sort_values(["offences", "last"], ascending=[False, False], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.head(top) if top else out


def _most_common(values: pd.Series):
    values = values.dropna()
    return values.mode().iloc[0] if len(values) else None
