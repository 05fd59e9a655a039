"""GeoPackage layers that open in QGIS and ArcGIS: one layer per GeoDataFrame, in
British National Grid (EPSG:27700), with lists flattened to text and dates as dates
(written by :func:`workbench.geo.map_export.write_gpkg`)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd


def portable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy GDAL can write: list/dict cells joined as text, booleans as integers."""
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if series.dtype == object:
            if series.map(lambda v: isinstance(v, (list, tuple, set))).any():
                out[col] = series.map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
        elif series.dtype == bool:
            out[col] = series.astype(int)
    if out.crs is None:
        out = out.set_crs("EPSG:27700")
    return out


def frame_of_points(frame: pd.DataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Offence rows with easting/northing as a point layer with the given columns."""
    keep = [c for c in columns if c in frame]
    return gpd.GeoDataFrame(frame[keep].reset_index(drop=True),
                            geometry=gpd.points_from_xy(frame["easting"], frame["northing"]),
                            crs="EPSG:27700")
