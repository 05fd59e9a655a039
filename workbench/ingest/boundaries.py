"""Importing borough and ward boundaries from GeoPackage, GeoJSON or shapefile.

Geometries are reprojected to British National Grid and repaired (``make_valid``) before
they are stored; features that share a name (a ward split in two) are merged. After the
import every offence without given areas is assigned a borough and ward.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely

from workbench.ingest.coords import in_bng_bounds
from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import file_hash, regular_file
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.store import Store
from workbench.store.batches import finish_batch, start_batch
from workbench.store.boundaries import Boundary, assign_areas, write_boundaries

NAME_FIELDS = {
    "borough": ["name", "borough", "lad24nm", "lad22nm", "lad21nm", "lad11nm", "lad_name", "lb_name"],
    "ward": ["name", "ward", "ward_name", "wd24nm", "wd22nm", "wd21nm", "wardname"],
}
CODE_FIELDS = ["gss_code", "code", "lad24cd", "lad22cd", "lad11cd", "wd24cd", "wd22cd", "ons_code"]
PARENT_FIELDS = ["borough", "lb_name", "lad24nm", "lad22nm", "parent", "district"]


@dataclass
class BoundaryImport:
    imported: int
    batch: int
    level: str
    layer: str | None
    offences_assigned: int


def _pick(columns: list[str], candidates: list[str], override: str | None, what: str, path: Path) -> str | None:
    lower = {c.lower(): c for c in columns}
    if override:
        if override.lower() not in lower:
            raise ImportFailed(f"{path.name}: no field {override!r} for the {what}; fields are: {', '.join(columns)}")
        return lower[override.lower()]
    return next((lower[c] for c in candidates if c in lower), None)


def read_layer(path: Path, layer: str | None):
    """Read one layer with geopandas; a multi-layer file needs ``layer`` named."""
    import geopandas as gpd
    import pyogrio

    path = regular_file(path)
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise ImportFailed(f"{path.name}: not a GeoPackage, GeoJSON or shapefile ({str(exc).splitlines()[0]})") from None
    if layer is None and len(layers) > 1:
        raise ImportFailed(f"{path.name} has {len(layers)} layers; choose one with --layer: {', '.join(layers)}")
    if layer is not None and layer not in layers:
        raise ImportFailed(f"{path.name} has no layer {layer!r}; layers are: {', '.join(layers)}")
    try:
        frame = gpd.read_file(path, layer=layer)
    except Exception as exc:
        raise ImportFailed(f"{path.name}: cannot read layer ({str(exc).splitlines()[0]})") from None
    return frame, (layer or (layers[0] if layers else None))


def check_polygons_in_britain(frame, path: Path) -> None:
    """ImportFailed unless every geometry is a polygon inside Great Britain's National
    Grid (after reprojection), so points, lines or a layer in a foreign or wrongly
    declared coordinate system never become boroughs."""
    kinds = set(frame.geometry.dropna().geom_type) - {"Polygon", "MultiPolygon"}
    if kinds:
        raise ImportFailed(f"{path.name}: boundaries must be polygons, but the layer holds {', '.join(sorted(kinds))}")
    minx, miny, maxx, maxy = frame.total_bounds
    if not (in_bng_bounds(minx, miny) and in_bng_bounds(maxx, maxy)):
        raise ImportFailed(f"{path.name}: the polygons are not inside Great Britain's National Grid (they span "
                           f"{minx:,.0f} to {maxx:,.0f} east, {miny:,.0f} to {maxy:,.0f} north); check the "
                           "layer's coordinate system")


def import_boundaries(store: Store, path: str | Path, *, layer: str | None = None, level: str | None = None,
                      name_field: str | None = None, code_field: str | None = None,
                      parent_field: str | None = None,
                      progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> BoundaryImport:
    """Import one boundary layer as boroughs or wards and re-assign offences' areas.

    ``level`` defaults to ``ward`` when the layer's name says ward, else ``borough``.
    """
    control = JobControl(progress, cancelled)
    path = Path(path)
    frame, layer_name = read_layer(path, layer)
    if not hasattr(frame, "geometry") or frame.geometry.isna().all():
        raise ImportFailed(f"{path.name}: has no geometries; give a GeoPackage, GeoJSON or shapefile of polygons")
    if frame.empty:
        raise ImportFailed(f"{path.name}: the layer has no features")
    if level is None:
        level = "ward" if "ward" in (layer_name or path.stem).lower() else "borough"
    if level not in ("borough", "ward"):
        raise ImportFailed(f"level must be borough or ward, not {level!r}")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    name_col = _pick(columns, NAME_FIELDS[level], name_field, "name", path)
    if name_col is None:
        raise ImportFailed(f"{path.name}: cannot tell which field holds the {level} name; "
                           f"give --name-field (fields are: {', '.join(columns)})")
    code_col = _pick(columns, CODE_FIELDS, code_field, "code", path)
    parent_col = _pick(columns, PARENT_FIELDS, parent_field, "parent borough", path) if level == "ward" else None
    if parent_col == name_col:
        parent_col = None
    if frame.crs is None:
        _minx, _miny, maxx, maxy = frame.total_bounds
        frame = frame.set_crs("EPSG:4326" if maxx <= 180 and maxy <= 90 else "EPSG:27700")
    frame = frame.to_crs("EPSG:27700")
    check_polygons_in_britain(frame, path)
    control.report(0.1, f"read {len(frame)} {level} features")

    merged: dict[tuple[str, str | None], list] = {}
    codes: dict[tuple[str, str | None], str | None] = {}
    for _, row in frame.iterrows():
        geom = row[frame.geometry.name]
        if geom is None or geom.is_empty:
            continue
        name = str(row[name_col]).strip()
        parent = str(row[parent_col]).strip() if parent_col and row[parent_col] is not None else None
        key = (name, parent)
        merged.setdefault(key, []).append(shapely.make_valid(geom, method="structure", keep_collapsed=False))
        codes.setdefault(key, str(row[code_col]) if code_col and row[code_col] is not None else None)
    boundaries = [Boundary(level, name, codes[(name, parent)], parent,
                           shapely.union_all(geoms) if len(geoms) > 1 else geoms[0])
                  for (name, parent), geoms in merged.items()]

    with store.atomic():
        batch = start_batch(store, "boundaries", f"{level}s", path.name + (f":{layer_name}" if layer_name else ""),
                            file_hash(path))
        count = write_boundaries(store, boundaries, batch)
        control.report(0.3, "assigning boroughs and wards to offences")
        assigned = assign_areas(store, control.sub(0.3, 1.0))
        finish_batch(store, batch, rows_read=len(frame), imported=count, duplicates=0, rejected=0)
    return BoundaryImport(count, batch, level, layer_name, assigned)
