"""Whole-column helpers give exactly what the row-by-row code they replace gave: the
extra attributes' JSON texts as ``json.dumps`` writes them, and coordinates as pyproj
transforms them."""

import json

import numpy as np
import pyarrow as pa
from pyproj import Transformer

from workbench.ingest import coords
from workbench.ingest.columns import json_objects

CELLS = {"lsoa_code": ["E01", "", 'say "hi"', "E01", "", "back\\slash", "E01"],
         "context": ["", "", "tab\there", "", "", "line\nend", ""],
         "force": ["Met", "", "Met", "Met", "", "Mét \u00e9", "Met"]}


def test_json_objects_are_the_json_modules_texts():
    named = [(key, pa.chunked_array([pa.array(values)])) for key, values in CELLS.items()]
    expected = []
    for i in range(7):
        cells = {key: values[i] for key, values in CELLS.items() if values[i]}
        expected.append(json.dumps(cells, ensure_ascii=False) if cells else None)
    made = json_objects(named)
    assert made.tolist() == expected
    assert len(made.values) == 3          # rows 0, 3 and 6 share one text, made once


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
