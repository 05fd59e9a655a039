"""Shapely geometries (BNG) to Qt painter paths and images in scene coordinates."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainterPath, QPolygonF, QTransform


def _ring(coords: np.ndarray) -> QPolygonF:
    return QPolygonF([QPointF(float(x), -float(y)) for x, y in coords])


def path_of(geometries) -> QPainterPath:
    """One painter path holding every polygon (holes included) of ``geometries``."""
    path = QPainterPath()
    path.setFillRule(path.fillRule().OddEvenFill)
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                path.addPolygon(_ring(np.asarray(ring.coords)))
                path.closeSubpath()
    return path


def lines_path(geometries) -> QPainterPath:
    """One painter path holding every line (and polygon outline) of ``geometries``
    (roads, rail, rivers)."""
    path = QPainterPath()
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "LineString":
                path.addPolygon(_ring(np.asarray(part.coords)))
            elif part.geom_type == "Polygon":
                path.addPolygon(_ring(np.asarray(part.exterior.coords)))
    return path


def polygon_of(scene_polygon: QPolygonF) -> shapely.Polygon:
    """A polygon drawn on the scene as a BNG shapely polygon."""
    coords = [(p.x(), -p.y()) for p in scene_polygon]
    return shapely.Polygon(coords) if len(coords) >= 3 else shapely.Polygon()


def image_of(rgba: np.ndarray) -> QImage:
    """An (rows, cols, 4) uint8 array as a QImage that owns its pixels."""
    rows, cols = rgba.shape[:2]
    data = np.ascontiguousarray(rgba)
    return QImage(data.data, cols, rows, cols * 4, QImage.Format_RGBA8888).copy()


def grid_transform(grid) -> QTransform:
    """Maps image pixels of a north-up ``Grid`` raster onto the scene."""
    return QTransform(grid.cell, 0, 0, grid.cell, grid.x0, -grid.top)
