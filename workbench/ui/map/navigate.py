"""Moving between views: bring the Map (or another tab) forward from any view."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

MAP_TITLE = "Map"


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


def show_on_map(widget: QWidget, ids, bbox=None) -> QWidget | None:
    """Open the Map at these offences (zoomed to ``bbox`` or to the offences)."""
    view = show_view(widget, MAP_TITLE)
    if view is not None and hasattr(view, "focus_offences"):
        view.focus_offences(list(ids), bbox)
    return view
