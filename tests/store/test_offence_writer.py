"""The offence writer puts a value shared by a whole chunk into the statement once (on
SQLite) or copies it into every row (PostgreSQL's COPY): text with quotes, tabs,
backslashes and line ends, numbers and missing values must land exactly as bound values do."""

import numpy as np
from sqlpeek import sql

from workbench.store.offences import OffenceChunk, OffenceWriter, select_list

READ = ("source", "offence_ref", "category", "committed_to", "location_desc", "area_given", "status", "extra",
        "batch_id")

#: A NUL is kept by SQLite only: a PostgreSQL text value cannot hold one (the importers
#: drop NULs, see workbench.ingest.csvblocks).
AWKWARD = "O'Brien's\tyard \\N, \\. and a\nnew line"


def test_shared_values_land_exactly_like_bound_ones(store):
    where = AWKWARD + ("\x00b" if store.engine == "sqlite" else "")
    columns = {"source": "O'Brien's force", "offence_ref": ["A1", "A2"], "category": "burglary",
               "committed_from": ["2025-01-01T00:00:00", "2025-01-02T00:00:00"],
               "committed_to": "2025-01-03T00:00:00", "easting": np.array([530000.0, 531000.0]),
               "northing": np.array([180000.0, 181000.0]), "longitude": np.array([-0.1, -0.09]),
               "latitude": np.array([51.5, 51.51]), "location_desc": where, "area_given": np.int64(0),
               "status": "solved", "extra": None}
    with store.atomic():
        writer = OffenceWriter(store, None)
        assert writer.write(OffenceChunk(2, columns)) == 2
        assert writer.write(OffenceChunk(2, columns)) == 0       # a re-import adds nothing
    rows = sql(store, f"SELECT {select_list(READ)} FROM offences ORDER BY id").fetchall()
    assert rows == [("O'Brien's force", "A1", "burglary", "2025-01-03T00:00:00", where, 0, "solved", None, None),
                    ("O'Brien's force", "A2", "burglary", "2025-01-03T00:00:00", where, 0, "solved", None, None)]
