"""Hand-made store helpers for the map tests (a module of its own, not conftest, so
test modules can import it whichever test folders run together)."""

from __future__ import annotations

import pandas as pd

from workbench.ingest.offence_import import complete_chunk
from workbench.store.batches import start_batch
from workbench.store.boundaries import AreaLocator
from workbench.store.offences import OffenceChunk, OffenceWriter

X0, Y0 = 530000.0, 180000.0


def write_offences(store, rows, source="map-test") -> None:
    """Offences from dicts (category, committed_from, easting, northing, ref)."""
    chunk = OffenceChunk()
    for r in rows:
        when = pd.Timestamp(r["committed_from"]).isoformat()
        chunk.append({"source": source, "offence_ref": r["ref"], "category": r["category"],
                      "committed_from": when, "committed_to": when, "easting": float(r["easting"]),
                      "northing": float(r["northing"]), "longitude": float("nan"), "latitude": float("nan"),
                      "status": "unsolved"})
    complete_chunk(chunk, AreaLocator(store))
    with store.atomic():
        OffenceWriter(store, start_batch(store, "offences", source, "hand-made", source)).write(chunk)
