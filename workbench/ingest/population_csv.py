"""``workbench import population``: residents per area, for rates per 1,000 residents in
the insight tables.

The format (also in the guide, ``resources/help/tasking.md``): a CSV with a header and
the columns ``area_code`` (required, e.g. an ONS code such as ``E09000007`` or
``E05013661``), ``residents`` (required, a whole number above 0) and ``area_name``
(optional; when it is a borough's or ward's name as its boundary is named, the insight
tables find the area by name). Other columns are ignored. The same import loop and rules
as every other CSV (:func:`workbench.ingest.offence_import.run_import`): one transaction,
every bad row rejected with line, column and reason and kept; a code imported again
replaces its earlier figure (populations are revised).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.ingest.offence_import import ImportResult, run_import
from workbench.ingest.rowparser import BadField, Getter, KeyedRowParser, required
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.strategy import PopulationWriter

COLUMNS = ("area_code", "area_name", "residents")


class PopulationParser(KeyedRowParser):
    """Row parser for the population CSV."""

    kind = "population"
    what = "a population CSV (area_code, area_name, residents)"
    key = "area_code"
    REQUIRED = ("area_code", "residents")
    KNOWN = frozenset(COLUMNS)

    def record(self, get: Getter) -> dict:
        text = required(get, "residents").replace(",", "")
        if not text.isdigit() or int(text) < 1:
            raise BadField("residents", f"residents {get('residents')!r} is not a whole number above 0")
        return {"area_name": get("area_name") or None, "residents": int(text)}


def import_population(store: Store, paths: str | Path | Sequence[str | Path], *,
                      progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import population CSV file(s) as one batch in one transaction."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run_import(store, paths, PopulationParser(), "population", progress=progress, cancelled=cancelled,
                      writer=PopulationWriter, complete=lambda chunk, locator: None, bulk_offences=False)
