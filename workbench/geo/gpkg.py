"""GeoPackage output that opens in QGIS and ArcGIS: one layer per GeoDataFrame, in
British National Grid (EPSG:27700), with lists flattened to text and dates as dates."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from workbench.errors import BadInput


def _portable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def write_layers(path: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Write ``layers`` (name -> GeoDataFrame) to a new GeoPackage at ``path``, replacing
    any file there; return the layer names written (empty layers are skipped)."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise BadInput(f"{path.name}: a GeoPackage file name must end in .gpkg")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    written = []
    for name, frame in layers.items():
        if frame is None or len(frame) == 0:
            continue
        _portable(frame).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
        written.append(name)
    if not written:
        raise BadInput("nothing to write: every layer is empty")
    return written


def frame_of_points(frame: pd.DataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Offence rows with easting/northing as a point layer with the given columns."""
    keep = [c for c in columns if c in frame]
    return gpd.GeoDataFrame(frame[keep].reset_index(drop=True),
                            geometry=gpd.points_from_xy(frame["easting"], frame["northing"]),
                            crs="EPSG:27700")
