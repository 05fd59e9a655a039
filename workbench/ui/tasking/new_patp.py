"""Routes to a new PATP from anywhere in the app: the Offences table, a person, a hotspot.

Each route hands the Tasking view a function that turns the store into a
:class:`~workbench.tasking.patp.Problem` (the same Qt-free adapters in
:mod:`workbench.tasking.sources` that ``workbench patp create`` uses); the Tasking view
drafts the PATP off the UI thread, stores it and shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.ui.map.navigate import show_view

TASKING_TITLE = "Tasking"


def open_new_patp(widget: QWidget, make_problem: Callable, what: str) -> QWidget | None:
    """Bring the Tasking view forward and draft a PATP from ``make_problem(store)``;
    ``what`` names the source in the confirmation ("offences TB/1, TB/2")."""
    view = show_view(widget, TASKING_TITLE)
    if view is None or not hasattr(view, "create_patp"):
        QMessageBox.information(widget, "New PATP", "The Tasking view is not available in this window.")
        return None
    view.create_patp(make_problem, what)
    return view
