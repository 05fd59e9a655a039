"""Loading synthetic data into a store through the same importers as real files.

The generated CSVs go through ``import_offences`` (and the intelligence importer), so
the demo data proves the importers too: a generated file must import with no rejects.
"""

from __future__ import annotations

import tempfile

from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.missing_csv import import_missing
from workbench.ingest.nominals_csv import import_nominals
from workbench.ingest.offences_csv import import_offences
from workbench.intel.importer import import_intel
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.paths import data_path
from workbench.store import Store
from workbench.store.boundaries import load_boundaries
from workbench.synth.generate import SyntheticData
from workbench.synth.places import GPKG

SOURCE = "synthetic"


def write_to_store(store: Store, data: SyntheticData, *, progress: ProgressFn | None = None,
                   cancelled: CancelledFn | None = None) -> dict:
    """Import ``data`` into ``store``; load the bundled boundaries first if it has none.

    Everything is one transaction: a cancel or an error leaves the store as it was.
    Returns what was done: ``imported``, ``rejected``, ``batch``, ``series``, ``intel``
    (reports imported), ``nominals`` and ``missing`` (imported), ``people_rejected``,
    ``boroughs``, ``date_from`` and ``date_to``.
    """
    with store.atomic():
        return _write(store, data, JobControl(progress, cancelled), cancelled)


def _write(store: Store, data: SyntheticData, control: JobControl, cancelled: CancelledFn | None) -> dict:
    boundaries = 0
    if not load_boundaries(store, "borough"):
        control.report(0.0, "loading London borough and ward boundaries")
        for layer in ("boroughs", "wards"):
            boundaries += import_boundaries(store, data_path(*GPKG), layer=layer, level=layer[:-1]).imported
    with tempfile.TemporaryDirectory(prefix="workbench-synth-") as folder:
        paths = data.write(folder)
        control.report(0.1, "importing synthetic offences")
        result = import_offences(store, paths["offences"], source=SOURCE,
                                 progress=control.sub(0.1, 0.85).report, cancelled=cancelled)
        control.report(0.85, "importing synthetic intelligence")
        intel_result = import_intel(store, paths["intel"], source=SOURCE, cancelled=cancelled)
        intel, intel_rejected = intel_result.imported, intel_result.rejected
        control.report(0.92, "importing synthetic nominals and missing-person episodes")
        people = {name: importer(store, paths[name], cancelled=cancelled)
                  for name, importer in (("nominals", import_nominals), ("missing", import_missing))
                  if name in paths}
    control.report(1.0, "done")
    return {"imported": result.imported, "rejected": result.rejected, "duplicates": result.duplicates,
            "batch": result.batch, "series": len(data.series), "intel": intel,
            "intel_rejected": intel_rejected,
            **{name: r.imported for name, r in people.items()},
            "people_rejected": sum(r.rejected for r in people.values()),
            "boroughs": list(data.boroughs), "boundaries_loaded": boundaries,
            "date_from": data.start.isoformat(), "date_to": data.end.isoformat(),
            "rejects": [r.as_dict() for r in result.rejects]}
