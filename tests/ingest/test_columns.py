"""Whole-column helpers give exactly what the row-by-row code they replace gave: the
extra attributes' JSON texts as ``json.dumps`` writes them, and coordinates as pyproj
transforms them."""

import json

import numpy as np
import pyarrow as pa
from pyproj import Transformer

from workbench.ingest import coords
from workbench.ingest.columns import JsonObjects

CELLS = {"lsoa_code": ["E01", "", 'say "hi"', "E01", "", "back\\slash", "E01"],
         "context": ["", "", "tab\there", "", "", "line\nend", ""],
         "force": ["Met", "", "Met", "Met", "", "Mét \u00e9", "Met"]}


def expected(cells, rows):
    out = []
    for i in rows:
        row = {key: values[i] for key, values in cells.items() if values[i]}
        out.append(json.dumps(row, ensure_ascii=False) if row else None)
    return out


def test_json_objects_are_the_json_modules_texts_made_once_per_import():
    make = JsonObjects(list(CELLS))
    first = make([pa.chunked_array([pa.array(values[:4])]) for values in CELLS.values()])
    assert first.tolist() == expected(CELLS, range(4))
    assert len(make.texts) == 2                      # rows 0 and 3 share one text
    second = make([pa.chunked_array([pa.array(values[3:])]) for values in CELLS.values()])
    assert second.tolist() == expected(CELLS, range(3, 7))
    assert second.values is make.texts and len(make.texts) == 3    # only row 5's text was new


def test_transforms_match_pyproj_the_second_time_too():
    direct = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    rng = np.random.default_rng(7)
    lon = np.round(rng.uniform(-0.5, 0.3, 5000), 3)
    lat = np.round(rng.uniform(51.3, 51.7, 5000), 3)
    lon[3], lat[9] = np.nan, np.inf
    want = direct.transform(lon, lat)
    for _ in range(2):                                    # the second time from the memo
        got = coords.to_bng(lon, lat)
        assert all(np.array_equal(g, w, equal_nan=True) for g, w in zip(got, want))
    back = coords.to_wgs84(*coords.to_bng(lon[10:20], lat[10:20]))
    assert np.allclose(back, (lon[10:20], lat[10:20]), atol=1e-6)
