"""Map exports: a PNG map and a GeoPackage of layers, released and audited by one service
each, for the command line and the app alike.

Maps and layers hold the store's own records (offences, boundaries, hotspots), so the
release gate marks them with the store's marking; the PNG carries it top and bottom
and in its metadata, and every GeoPackage layer carries it in a ``security_marking``
column and in its layer metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput
from workbench.release import Content, Output, Released, export, png_metadata, policy, release

MARKING_COLUMN = "security_marking"


def write_map_png(released: Released, path: Path) -> None:
    """Write a released map (body: the keyword arguments of
    :func:`workbench.geo.mapping.map_figure`) as a PNG marked top and bottom."""
    from workbench.geo.mapping import map_figure

    fig = map_figure(**released.body, marking=released.marking)
    fig.savefig(path, dpi=fig.dpi, metadata=png_metadata(released, released.body["title"]))


def write_image_bytes(released: Released, path: Path) -> None:
    """Write a released image the app drew (body: PNG bytes, marking already drawn)."""
    Path(path).write_bytes(released.body)


def write_gpkg(released: Released, path: Path) -> None:
    """Write released layers (body: name -> GeoDataFrame) as a GeoPackage, each layer with
    the marking in a column and in its metadata."""
    from workbench.geo.gpkg import portable

    for name, frame in released.body.items():
        portable(frame.assign(**{MARKING_COLUMN: released.marking})).to_file(
            path, layer=name, driver="GPKG", engine="pyogrio", layer_metadata={"SECURITY_MARKING": released.marking})


def export_map_figure(store, out: str | Path, *, detail: dict | None = None, force: bool = False,
                      **figure) -> Path:
    """Release a map drawn by :func:`workbench.geo.mapping.map_figure` (``figure``: its
    arguments but the marking) and write it as PNG, audited as ``export.map``."""
    released = release(Content(records=True, build=lambda _: figure), policy(store))
    return export(store, released, [Output(Path(out), write_map_png)], action=AuditAction.EXPORT_MAP, object_type="map",
                  detail={"title": figure.get("title"), **(detail or {})}, force=force)[0]


def export_map_image(store, draw: Callable[[str], bytes], out: str | Path, *, title: str,
                     detail: dict | None = None, force: bool = False) -> Path:
    """Release a map the app draws (``draw(marking)`` returns PNG bytes with the marking
    top and bottom) and write it, audited as ``export.map``."""
    released = release(Content(records=True, build=lambda r: draw(r.marking)), policy(store))
    return export(store, released, [Output(Path(out), write_image_bytes)], action=AuditAction.EXPORT_MAP, object_type="map",
                  detail={"title": title, **(detail or {})}, force=force)[0]


def export_geopackage(store, layers: dict[str, gpd.GeoDataFrame], out: str | Path, *, detail: dict | None = None,
                      force: bool = False) -> list[str]:
    """Release ``layers`` and write them as a GeoPackage, audited as ``export.geopackage``;
    return the layer names written (empty layers are skipped)."""
    if Path(out).suffix.lower() != ".gpkg":
        raise BadInput(f"{Path(out).name}: a GeoPackage file name must end in .gpkg")
    kept = {name: frame for name, frame in layers.items() if frame is not None and len(frame)}
    if not kept:
        raise BadInput("nothing to write: every layer is empty")
    released = release(Content(records=True, build=lambda _: kept), policy(store))
    export(store, released, [Output(Path(out), write_gpkg)], action=AuditAction.EXPORT_GEOPACKAGE, object_type="map",
           detail={"layers": list(kept), **(detail or {})}, force=force)
    return list(kept)
