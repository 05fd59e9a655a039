"""Moving between views: bring the Map (or another tab) forward from any view."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QWidget

MAP_TITLE = "Map"


@dataclass
class MapFocus:
    """What "Show on map" asked for: these offences (the map filters to them, with the
    filter bar showing their category and period) and what to draw on top of them."""

    ids: list[int]
    title: str
    bbox: tuple | None = None
    risk_zones: list = field(default_factory=list)
    hotspots: list = field(default_factory=list)


def find_view(widget: QWidget, title: str) -> QWidget | None:
    """The main window's view called ``title`` (None outside a main window)."""
    window = widget.window()
    views = getattr(window, "views", None)
    return views.get(title) if isinstance(views, dict) else None


def show_view(widget: QWidget, title: str) -> QWidget | None:
    """Switch the main window's tabs to the view called ``title`` and return it."""
    view = find_view(widget, title)
    tabs = getattr(widget.window(), "tabs", None)
    if view is not None and tabs is not None:
        tabs.setCurrentWidget(view)
    return view


def show_on_map(widget: QWidget, ids, bbox=None, *, title: str = "", risk_zones=(), hotspots=()) -> QWidget | None:
    """Open the Map filtered to these offences (their category and period in the filter
    bar, zoomed to ``bbox`` or to them), with ``risk_zones`` and ``hotspots``
    (shapely polygons) drawn on top and a "Back to all offences" banner."""
    view = show_view(widget, MAP_TITLE)
    if view is not None and hasattr(view, "show_subset"):
        view.show_subset(MapFocus([int(i) for i in ids], title, None if bbox is None else tuple(bbox),
                                  list(risk_zones), list(hotspots)))
    return view
