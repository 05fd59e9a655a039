"""PNG maps for briefings: the surface, hotspot polygons, offences and risk zones over
borough and ward boundaries and the imported street map, with street names on maps a
few kilometres across, a legend, scale bar, north arrow, title, the data's attribution
and the security marking top and bottom. Drawn with matplotlib's Agg canvas (no
display, no web tiles, no Qt).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from workbench.geo.gistar import GiStarResult
from workbench.geo.grid import nice_size
from workbench.geo.kde import KdeResult

GI_COLOURS = ["#2166ac", "#67a9cf", "#d1e5f0", "#ffffff", "#fddbc7", "#ef8a62", "#b2182b"]
GI_LABELS = ["Cold spot, 99%", "Cold spot, 95%", "Cold spot, 90%", "Not significant",
             "Hot spot, 90%", "Hot spot, 95%", "Hot spot, 99%"]


def _draw_surface(ax, surface, handles: list) -> None:
    grid = surface.grid
    if isinstance(surface, KdeResult):
        values = np.ma.masked_where(~(surface.density > 0), surface.density)
        image = ax.imshow(values, extent=grid.extent, origin="upper", cmap="YlOrRd",
                          interpolation="nearest", alpha=0.85, zorder=2)
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.55, pad=0.02)
        bar.set_label(f"Offences per km² ({surface.kernel} kernel, bandwidth {surface.bandwidth:,.0f} m)",
                      fontsize=8)
        bar.ax.tick_params(labelsize=7)
    elif isinstance(surface, GiStarResult):
        classes = np.ma.masked_where(~surface.mask | (surface.classes == 0), surface.classes)
        cmap = ListedColormap(GI_COLOURS)
        ax.imshow(classes, extent=grid.extent, origin="upper", cmap=cmap,
                  norm=BoundaryNorm(np.arange(-3.5, 4.5), cmap.N), interpolation="nearest",
                  alpha=0.9, zorder=2)
        present = set(np.unique(surface.classes[surface.mask]).tolist()) - {0}
        for level in sorted(present, reverse=True):
            handles.append(Patch(facecolor=GI_COLOURS[level + 3], edgecolor="#777777",
                                 label=f"Gi* {GI_LABELS[level + 3].lower()}"))


#: Street names are printed on maps at most this wide (metres)...
LABEL_MAP_WIDTH = 6000.0
#: ...at most this many, one per square of this side (metres) so they do not pile up.
MAX_MAP_LABELS = 60
LABEL_SPACING = 450.0


def _draw_basemap(ax, features, extent, within=None) -> None:
    """Water, buildings, roads and rail under everything; street names (inside
    ``within``, the boroughs mapped, when given) when the map is small enough to read
    them."""
    from shapely import line_interpolate_point, prepare

    by_kind: dict[str, list] = {}
    for f in features:
        by_kind.setdefault(f.kind, []).append(f)
    styles = {"water": {"color": "#c9dcef", "linewidth": 1.2}, "building": {"color": "#e3ded6"},
              "rail": {"color": "#8a8f98", "linewidth": 0.6, "linestyle": (0, (4, 2))}}
    for kind in ("water", "building"):
        if by_kind.get(kind):
            frame = gpd.GeoSeries([f.geometry for f in by_kind[kind]], crs="EPSG:27700")
            polygons = frame[frame.geom_type.str.endswith("Polygon")]
            if len(polygons):
                polygons.plot(ax=ax, color=styles[kind]["color"], linewidth=0, zorder=1)
            lines = frame[frame.geom_type.str.endswith("LineString")]
            if len(lines):
                lines.plot(ax=ax, color=styles["water"]["color"], linewidth=1.2, zorder=1)
    if by_kind.get("road"):
        roads = gpd.GeoSeries([f.geometry for f in by_kind["road"]], crs="EPSG:27700")
        roads.plot(ax=ax, color="#c6c0b5", linewidth=1.6, zorder=1.1)
        roads.plot(ax=ax, color="#ffffff", linewidth=0.9, zorder=1.2)
    if by_kind.get("rail"):
        gpd.GeoSeries([f.geometry for f in by_kind["rail"]], crs="EPSG:27700").plot(
            ax=ax, zorder=1.3, **styles["rail"])
    if extent is None or extent[2] - extent[0] > LABEL_MAP_WIDTH:
        return
    minx, miny, maxx, maxy = extent
    if within is not None:
        prepare(within)
    labels = []
    for f in features:
        if not f.name or f.kind not in ("road", "street_label"):
            continue
        point = f.geometry if f.kind == "street_label" else line_interpolate_point(f.geometry, 0.5, normalized=True)
        weight = f.weight if f.kind == "street_label" else f.geometry.length
        if minx <= point.x <= maxx and miny <= point.y <= maxy and (within is None or within.contains(point)):
            labels.append((weight, f.name, point.x, point.y))
    taken: set = set()
    shown: set = set()
    for _weight, name, x, y in sorted(labels, key=lambda r: -r[0]):
        square = (int(x // LABEL_SPACING), int(y // LABEL_SPACING))
        if square in taken or name in shown:
            continue
        taken.add(square)
        shown.add(name)
        ax.text(x, y, name, fontsize=5.5, color="#4a4f57", ha="center", va="top", zorder=8,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})
        if len(shown) >= MAX_MAP_LABELS:
            break


def _scale_bar(ax) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_size((x1 - x0) / 5)
    left = x0 + (x1 - x0) * 0.04
    base = y0 + (y1 - y0) * 0.04
    height = (y1 - y0) * 0.012
    halves = 2
    for k in range(halves):
        ax.add_patch(Rectangle((left + k * length / halves, base), length / halves, height,
                               facecolor="black" if k % 2 == 0 else "white", edgecolor="black",
                               linewidth=0.8, zorder=10))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(left, base + height * 1.6, "0", fontsize=7, ha="center", zorder=10)
    ax.text(left + length, base + height * 1.6, label, fontsize=7, ha="center", zorder=10)


def _north_arrow(ax) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x = x1 - (x1 - x0) * 0.06
    base = y1 - (y1 - y0) * 0.16
    length = (y1 - y0) * 0.08
    ax.add_patch(FancyArrow(x, base, 0, length, width=(x1 - x0) * 0.008, head_width=(x1 - x0) * 0.03,
                            head_length=length * 0.45, length_includes_head=True, color="black", zorder=10))
    ax.text(x, base + length * 1.12, "N", ha="center", va="bottom", fontsize=10, fontweight="bold", zorder=10)


def map_figure(*, title: str, marking: str, boroughs: gpd.GeoDataFrame | None = None,
               wards: gpd.GeoDataFrame | None = None, surface: KdeResult | GiStarResult | None = None,
               hotspots: gpd.GeoDataFrame | None = None, points: gpd.GeoDataFrame | None = None,
               zones: gpd.GeoDataFrame | None = None, subtitle: str | None = None,
               extent: tuple[float, float, float, float] | None = None, basemap=None,
               attribution: str = "", dpi: int = 150) -> Figure:
    """Draw a map on a figure (exports write it through
    :func:`workbench.geo.map_export.export_map_figure`).

    Parameters
    ----------
    title : str
        Printed above the map.
    marking : str
        Security marking (e.g. ``OFFICIAL-SENSITIVE``), printed top and bottom.
    boroughs, wards : GeoDataFrame, optional
        Boundaries (EPSG:27700).
    surface : KdeResult or GiStarResult, optional
        A density ramp with its colour bar, or Gi* classes with legend entries.
    hotspots : GeoDataFrame, optional
        Hotspot polygons, outlined.
    points : GeoDataFrame, optional
        Offences as small dots.
    zones : GeoDataFrame, optional
        Near-repeat risk zones, hatched.
    subtitle : str, optional
        A line under the title (period, categories, method).
    extent : (minx, miny, maxx, maxy), optional
        Default: the boroughs, else the surface, else the points.
    basemap : list of :class:`workbench.store.basemap.Feature`, optional
        The street map, drawn under everything (street names on maps up to
        :data:`LABEL_MAP_WIDTH` across).
    attribution : str
        The basemap's licence line, printed above the marking.
    """
    fig = Figure(figsize=(8.27, 8.8), dpi=dpi)      # A4 width
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.04, 0.07, 0.92, 0.80))
    handles: list = []
    if surface is not None:
        _draw_surface(ax, surface, handles)
    if wards is not None and len(wards):
        wards.boundary.plot(ax=ax, color="#9a9a9a", linewidth=0.35, zorder=3)
        handles.append(Line2D([], [], color="#9a9a9a", linewidth=0.6, label="Ward boundary"))
    if boroughs is not None and len(boroughs):
        boroughs.boundary.plot(ax=ax, color="#333333", linewidth=1.0, zorder=4)
        handles.append(Line2D([], [], color="#333333", linewidth=1.2, label="Borough boundary"))
    if points is not None and len(points):
        size = 4 if len(points) < 2000 else 1
        ax.scatter(points.geometry.x, points.geometry.y, s=size, c="#1f3b73", alpha=0.6,
                   linewidths=0, zorder=5)
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=3, color="#1f3b73",
                              label=f"Offence ({len(points):,})"))
    if hotspots is not None and len(hotspots):
        hotspots.boundary.plot(ax=ax, color="#000000", linewidth=1.1, zorder=6)
        handles.append(Line2D([], [], color="#000000", linewidth=1.2, label="Hotspot"))
    if zones is not None and len(zones):
        zones.plot(ax=ax, facecolor="none", edgecolor="#7b2cbf", hatch="////", linewidth=0.8, zorder=7)
        handles.append(Patch(facecolor="none", edgecolor="#7b2cbf", hatch="////", label="Near-repeat risk zone"))
    if extent is None:
        for layer in (boroughs, hotspots, points):
            if layer is not None and len(layer):
                extent = tuple(layer.total_bounds)
                break
        if extent is None and surface is not None:
            extent = surface.grid.bounds
    if extent is not None:
        minx, miny, maxx, maxy = extent
        padx, pady = (maxx - minx) * 0.05 or 500, (maxy - miny) * 0.05 or 500
        ax.set_xlim(minx - padx, maxx + padx)
        ax.set_ylim(miny - pady, maxy + pady)
    if basemap:
        _draw_basemap(ax, basemap, extent,
                      boroughs.union_all() if boroughs is not None and len(boroughs) else None)
    ax.set_aspect("equal")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
    _scale_bar(ax)
    _north_arrow(ax)
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    fig.text(0.5, 0.975, marking, ha="center", va="top", fontsize=10, fontweight="bold", color="#000000")
    fig.text(0.5, 0.945, title, ha="center", va="top", fontsize=13, fontweight="bold")
    if subtitle:
        fig.text(0.5, 0.912, subtitle, ha="center", va="top", fontsize=8.5, color="#333333")
    fig.text(0.04, 0.058 if attribution else 0.045, "British National Grid (EPSG:27700). Contains public sector information "
             "licensed under the Open Government Licence v3.0.", fontsize=6.5, color="#555555")
    if attribution:
        fig.text(0.04, 0.044, attribution, fontsize=6.5, color="#555555")
    fig.text(0.5, 0.015, marking, ha="center", va="bottom", fontsize=10, fontweight="bold")
    return fig

