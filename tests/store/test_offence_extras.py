"""Extra attributes are stored once per distinct text (schema 18) and every reader of
``extra`` still sees each offence's own, exactly as written."""

import json

import numpy as np
from sqlpeek import sql

from workbench.store import offences as off
from workbench.store.offences import (
    OffenceChunk,
    OffenceFilter,
    OffenceWriter,
    fetch_rows,
    load_after_id,
    load_frame,
    offence_detail,
)

CAMDEN = json.dumps({"lsoa_code": "E01000907", "lsoa_name": "Camden 001A", "last_outcome": "Under investigation",
                     "falls_within": "Metropolitan Police Service"})
ISLINGTON = json.dumps({"lsoa_code": "E01002704", "lsoa_name": "Islington 001A", "context": "It's \"quoted\" \u00e9",
                        "falls_within": "Metropolitan Police Service"})


def chunk(refs, extras):
    n = len(refs)
    return OffenceChunk(n, {
        "source": "police.uk", "offence_ref": list(refs), "category": "burglary",
        "committed_from": "2017-01-01T00:00:00", "committed_to": "2017-01-31T23:59:59",
        "easting": np.full(n, 529000.0), "northing": np.full(n, 184000.0), "longitude": np.full(n, -0.14),
        "latitude": np.full(n, 51.54), "area_given": np.zeros(n, dtype=np.int64), "status": "unsolved",
        "extra": extras})


def texts(frame):
    """A frame's ``extra`` column as texts and None (pandas reads SQL NULL as NaN, as it always has)."""
    return [value if isinstance(value, str) else None for value in frame["extra"]]


def write(store, *chunks):
    with store.atomic():
        writer = OffenceWriter(store, None)
        for part in chunks:
            writer.write(part)


def test_every_reader_gets_each_offences_own_extra_back(store):
    extras = [CAMDEN, None, ISLINGTON, CAMDEN]
    write(store, chunk(["a", "b", "c", "d"], extras), chunk(["e"], ISLINGTON))       # per row, then shared
    expected = extras + [ISLINGTON]
    ids = [int(i) for i in load_frame(store, columns=("offence_ref",))["id"]]
    assert texts(load_frame(store, columns=("offence_ref", "extra"))) == expected
    assert texts(load_frame(store, OffenceFilter(ids=ids[2:3]), columns=("extra",))) == [ISLINGTON]
    assert [fetch_rows(store, ids, ("extra",))[i][0] for i in ids] == expected
    assert [row[-1] for row in fetch_rows(store, ids).values()] == [None] * 5   # batch_id after extra
    assert [fetch_rows(store, ids)[i][off.OFFENCE_COLUMNS.index("extra")] for i in ids] == expected
    assert texts(load_after_id(store, ids[0], ("extra",))) == expected[1:]
    assert [offence_detail(store, i)["extra"] for i in ids] == [json.loads(e) if e else {} for e in expected]


def test_each_distinct_text_is_stored_once_per_import(store):
    write(store, chunk(["a", "b"], [CAMDEN, CAMDEN]), chunk(["c", "d"], [ISLINGTON, CAMDEN]))
    assert store._value("SELECT count(*) FROM offence_extras") == 2
    assert store._value("SELECT count(DISTINCT extra_id) FROM offences") == 2
    write(store, chunk(["a", "e"], [CAMDEN, ISLINGTON]))          # a repeat and one new offence
    assert store._value("SELECT count(*) FROM offence_extras") == 3     # the new offence's text, not the repeat's
    assert texts(load_frame(store, columns=("extra",))) == [CAMDEN, CAMDEN, ISLINGTON, CAMDEN, ISLINGTON]


def test_a_writer_that_has_seen_too_many_texts_starts_again_and_stays_right(store, monkeypatch):
    monkeypatch.setattr(off, "EXTRA_MEMORY", 1)
    write(store, chunk(["a", "b"], [CAMDEN, CAMDEN]), chunk(["c", "d"], [ISLINGTON, CAMDEN]))
    assert texts(load_frame(store, columns=("extra",))) == [CAMDEN, CAMDEN, ISLINGTON, CAMDEN]


def test_a_store_from_before_schema_18_keeps_its_extras(tmp_path):
    import sqlite3

    from workbench.store import migrations, open_store

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.upgrade(conn, path, upto=17)
    conn.executemany("INSERT INTO offences (source, offence_ref, category, committed_from, committed_to, easting, "
                     "northing, longitude, latitude, cell, extra) VALUES "
                     "('police.uk', ?, 'burglary', '2017-01-01', '2017-01-31', 1, 2, 3, 4, 0, ?)",
                     [("a", CAMDEN), ("b", None), ("c", ISLINGTON), ("d", CAMDEN)])
    conn.close()
    store = open_store(path)
    assert texts(load_frame(store, columns=("offence_ref", "extra"))) == [CAMDEN, None, ISLINGTON, CAMDEN]
    assert store._value("SELECT count(*) FROM offence_extras") == 2
    assert "extra" not in {r[1] for r in store._conn.execute("PRAGMA table_info(offences)")}


def test_extras_given_as_distinct_codes_land_as_their_texts(store):
    """A format may hand each distinct text over once (:class:`off.Distinct`): each row
    gets its own text, -1 none."""
    extras = off.Distinct(np.array([0, 1, -1, 0, 1]), [CAMDEN, ISLINGTON])
    write(store, chunk(["D1", "D2", "D3", "D4", "D5"], extras))
    assert texts(load_frame(store)) == [CAMDEN, ISLINGTON, None, CAMDEN, ISLINGTON]
    assert sql(store, "SELECT count(*) FROM offence_extras").fetchone()[0] == 2
