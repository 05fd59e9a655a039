"""What the offence writer stores comes back identically from the readers (load_frame,
offence_detail, fetch_rows) on both engines: 64-bit ids, exact doubles, unicode and
awkward text, NULL apart from empty text, dates, features and offenders. The expected
values are written out, so SQLite and PostgreSQL are held to the same answer."""

import numpy as np
import pandas as pd

from workbench.store.batches import start_batch
from workbench.store.offences import (
    OffenceChunk,
    OffenceFilter,
    OffenceWriter,
    fetch_rows,
    load_frame,
    offence_detail,
)

#: An id above 2**53 (where doubles stop holding every integer) and near the 64-bit top,
#: as a store copied from a long-lived force store may hold.
BIG_ID = 2**62 + 3
AWKWARD = "Straße — “quoted”, 'single', tab\there, back\\slash, \\N, new\nline, 🚓 伦敦 لندن"

OFFENCES = [
    {"source": "force", "offence_ref": "Ünï/😀/١٢٣", "category": "burglary-residential",
     "committed_from": "1900-01-01T00:00:00", "committed_to": "1900-01-01T23:59:59",
     "reported_at": "2024-02-29T12:34:56", "easting": 530123.4567891234, "northing": 181234.00000000001,
     "longitude": -0.12345678901234566, "latitude": 51.50000000000001, "location_desc": AWKWARD,
     "location_type": "", "borough": "Camden", "ward": "Highgate", "status": "solved",
     "series_ref": "SER/1", "victim_ref": "VIC-0042", "extra": '{"note": "café ☕", "big": 9223372036854775807}',
     "area_given": 1, "features": [("mo", "entry", "rear window"), ("mo", "entry", "forcé"), ("victim", "sex", "F")],
     "offenders": ["O17", "Ó18"]},
    {"source": "force", "offence_ref": "B/2", "category": "robbery",
     "committed_from": "2025-12-31T23:59:59", "committed_to": "2026-01-01T00:00:00",
     "reported_at": None, "easting": 699999.9, "northing": 1299999.9, "longitude": 1.5, "latitude": 60.0,
     "location_desc": None, "location_type": None, "borough": None, "ward": None, "status": "unsolved",
     "series_ref": None, "victim_ref": None, "extra": None, "area_given": 0},
]

ROUND_TRIP = ("source", "offence_ref", "category", "committed_from", "committed_to", "reported_at", "easting",
              "northing", "longitude", "latitude", "location_desc", "location_type", "borough", "ward", "status",
              "series_ref", "victim_ref", "extra", "area_given")


def write(store) -> tuple[list[int], int]:
    """The two offences, after one stored with :data:`BIG_ID`; their ids and batch."""
    chunk = OffenceChunk()
    for offence in OFFENCES:
        values = dict(offence)
        chunk.append(values, values.pop("features", ()), values.pop("offenders", ()))
    seed = {**OFFENCES[1], "offence_ref": "SEED", "cell": 0}
    with store.atomic():
        store._insert("offences", {"id": BIG_ID, **{k: seed[k] for k in (*ROUND_TRIP, "cell") if k != "extra"}})
        batch = start_batch(store, "offences", "force", "o.csv", "0" * 64)
        writer = OffenceWriter(store, batch)
        assert writer.write(chunk) == 2
    return [BIG_ID + 1, BIG_ID + 2], batch


def test_values_come_back_identically_from_every_reader(store):
    ids, batch = write(store)

    details = [offence_detail(store, i) for i in ids]
    for offence, detail in zip(OFFENCES, details):
        for name in ROUND_TRIP:
            expected = offence[name]
            if name == "extra":
                expected = {"note": "café ☕", "big": 9223372036854775807} if expected else {}
            assert detail[name] == expected and type(detail[name]) is type(expected), name
    assert [d["id"] for d in details] == ids and all(type(d["id"]) is int for d in details)
    assert [d["batch_id"] for d in details] == [batch, batch]
    assert [d["cell"] for d in details] == [5300181, 6991299]
    assert details[0]["mo"] == {"entry": ["rear window", "forcé"]} and details[0]["victim"] == {"sex": ["F"]}
    assert details[0]["offenders"] == ["O17", "Ó18"]
    assert (details[1]["mo"], details[1]["offenders"]) == ({}, [])

    rows = fetch_rows(store, [ids[1], ids[0], 12345], ("offence_ref", "easting", "reported_at", "location_type"))
    assert rows == {ids[0]: ("Ünï/😀/١٢٣", 530123.4567891234, "2024-02-29T12:34:56", ""),
                    ids[1]: ("B/2", 699999.9, None, None)}

    frame = load_frame(store, OffenceFilter(ids=ids))
    assert frame["id"].tolist() == ids and frame["id"].dtype == np.int64
    assert frame["committed_from"].tolist() == [pd.Timestamp("1900-01-01"), pd.Timestamp("2025-12-31T23:59:59")]
    assert frame["reported_at"].iloc[0] == pd.Timestamp("2024-02-29T12:34:56") and pd.isna(frame["reported_at"].iloc[1])
    for name in ("easting", "northing", "longitude", "latitude"):
        assert frame[name].dtype == np.float64 and frame[name].tolist() == [o[name] for o in OFFENCES], name
    assert frame["location_desc"].iloc[0] == AWKWARD and pd.isna(frame["location_desc"].iloc[1])
    assert frame["location_type"].iloc[0] == "" and pd.isna(frame["location_type"].iloc[1])
    assert frame["area_given"].tolist() == [1, 0] and frame["batch_id"].tolist() == [batch, batch]


def test_the_frame_has_the_same_column_types_on_both_engines(store):
    ids, _ = write(store)
    frame = load_frame(store, OffenceFilter(ids=ids))
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
        "id": "int64", "source": "str", "offence_ref": "str", "category": "str",
        "committed_from": "datetime64[us]", "committed_to": "datetime64[us]", "reported_at": "datetime64[us]",
        "easting": "float64", "northing": "float64", "longitude": "float64", "latitude": "float64",
        "cell": "int64", "location_desc": "str", "location_type": "str", "borough": "str", "ward": "str",
        "area_given": "int64", "status": "str", "series_ref": "str", "victim_ref": "str", "extra": "str",
        "batch_id": "int64"}
