"""The bundled demo store: real police.uk crime for Camden and Islington (2017) plus a
year of synthetic force records, ending yesterday, with planted series and graded
intelligence, and street names (from police.uk's "On or near <street>" locations) for
the Map and the street finder.

It is built on first use into a temporary file and moved into place only when
complete, so an interrupted build never leaves a half-made demo store behind. A team
store (a ``postgresql://`` address) gets the demo the same way: built in a temporary
file, then copied into the database in one transaction (:func:`copy_store`), so the
database holds the whole demo or nothing.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from workbench.geo.streets import build_street_labels
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.police_uk import import_police_uk
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.paths import data_path, demo_store_path
from workbench.store import open_store
from workbench.store.copy import copy_store
from workbench.store.offences import stats

DEMO_BOROUGHS = ("Camden", "Islington")
DEMO_SEED = 2026
DEMO_OFFENCES = 20000     # enough solved offences to train every linkage model but "other"
DEMO_DAYS = 365


def demo_sources() -> dict[str, Path]:
    """The bundled files the demo is built from."""
    return {"boundaries": data_path("boundaries", "london.gpkg"),
            "police_uk": data_path("police-uk", "camden-islington-2017-street.csv.gz")}


def build_demo_store(path: Path, *, progress: ProgressFn | None = None,
                     cancelled: CancelledFn | None = None) -> dict:
    """Build the demo store at ``path`` (replacing nothing that exists); return its stats."""
    from workbench.linkage.service import train as train_linkage
    from workbench.synth import generate, write_to_store

    control = JobControl(progress, cancelled)
    sources = demo_sources()
    for source in sources.values():
        if not source.exists():
            raise FileNotFoundError(f"the bundled demo file {source} is missing; reinstall Workbench")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = open_store(partial)
    try:
        control.report(0.0, "importing borough and ward boundaries")
        import_boundaries(store, sources["boundaries"], layer="boroughs", level="borough")
        import_boundaries(store, sources["boundaries"], layer="wards", level="ward")
        import_police_uk(store, sources["police_uk"], progress=control.sub(0.1, 0.45).report,
                         cancelled=cancelled)
        # Street names for the Map and the street finder, from police.uk's "On or near" places.
        build_street_labels(store)
        control.report(0.45, "generating a year of synthetic force records")
        # The synthetic year ends yesterday, so the first scan has a real "new this week".
        start = date.today() - timedelta(days=DEMO_DAYS)
        data = generate(seed=DEMO_SEED, offences=DEMO_OFFENCES, boroughs=DEMO_BOROUGHS, start=start,
                        days=DEMO_DAYS)
        write_to_store(store, data, progress=control.sub(0.5, 0.9).report, cancelled=cancelled)
        control.report(0.9, "training the linkage models on the solved offences")
        train_linkage(store, cancelled=cancelled)
        add_demo_control_strategy(store)
        store.checkpoint()
        result = stats(store)
    finally:
        store.close()
    os.replace(partial, path)
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    return result


#: The demo borough's control strategy: (priority, categories, owner).
DEMO_PRIORITIES = (
    ("Serious sexual offences", ("rape", "sexual-assault", "exposure", "other-sexual"), "DCI Ayodele"),
    ("Residential burglary", ("burglary-residential",), "DI Khan"),
    ("Robbery", ("robbery",), "DI Khan"),
    ("Vehicle crime", ("vehicle-crime",), "Insp Patel"),
)


def add_demo_control_strategy(store) -> None:
    """The demo's priorities and its home borough (Camden), as a BIU would set them up."""
    from workbench.tasking.settings import SetSetting
    from workbench.tasking.strategy import AddPriority

    SetSetting("borough", DEMO_BOROUGHS[0]).do(store)
    for name, categories, owner in DEMO_PRIORITIES:
        AddPriority(name, categories, owner).do(store)


def ensure_demo_store(path: Path | None = None, *, progress: ProgressFn | None = None,
                      cancelled: CancelledFn | None = None) -> tuple[Path, bool]:
    """The demo store's path, building it first if needed; (path, was_built)."""
    path = Path(path) if path else demo_store_path()
    if path.exists():
        return path, False
    build_demo_store(path, progress=progress, cancelled=cancelled)
    return path, True


def ensure_team_demo(url: str, *, progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> bool:
    """Put the demo into the team store at ``url`` unless it already holds offences
    (then it is left alone); True when the demo was built now."""
    with open_store(url) as target:
        if stats(target)["offences"]:
            return False
        control = JobControl(progress, cancelled)
        with tempfile.TemporaryDirectory(prefix="workbench-demo-") as folder:
            local = Path(folder) / "demo.sqlite"
            build_demo_store(local, progress=control.sub(0.0, 0.8).report, cancelled=cancelled)
            with open_store(local) as source:
                copy_store(source, target, progress=control.sub(0.8, 1.0).report)
    return True
