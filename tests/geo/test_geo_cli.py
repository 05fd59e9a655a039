"""`workbench hotspots`, `hotspots evaluate` and `nearrepeat` on a small hand-made store:
the contract's JSON keys, GeoPackage layers, the PNG map and its security marking."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from workbench.cli import main
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.offences_csv import import_offences
from workbench.store.boundaries import study_area

HEADER = "offence_ref,category,committed_from,committed_to,easting,northing,location_desc\n"


def offence_rows(rng, month: str, n_cluster: int, n_spread: int, centre, area) -> list[str]:
    minx, miny, maxx, maxy = area.bounds
    rows = []
    cx, cy = centre
    for k in range(n_cluster + n_spread):
        if k < n_cluster:
            x, y = cx + rng.normal(0, 60), cy + rng.normal(0, 60)
        else:
            while True:
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if area.contains(shapely.Point(x, y)):
                    break
        day = int(rng.integers(1, 29))
        place = "1 High Street" if k % 10 == 0 else f"{k} Other Road"
        if k % 10 == 0:
            x, y = cx, cy                                       # a repeat location
        rows.append(f"{month}-{k},burglary-residential,{month}-{day:02d},,{x:.0f},{y:.0f},{place}")
    return rows


@pytest.fixture
def db(store, tmp_path):
    """A store with the London boroughs and 260 burglaries in Camden over two months,
    concentrated around one point."""
    import_boundaries(store, "data/boundaries/london.gpkg", layer="boroughs")
    camden = study_area(store, ["Camden"])
    centre = (527475.0, 184322.0)
    rng = np.random.default_rng(4)
    rows = offence_rows(rng, "2025-03", 100, 80, centre, camden) + offence_rows(rng, "2025-04", 50, 30, centre, camden)
    csv = tmp_path / "offences.csv"
    csv.write_text(HEADER + "\n".join(rows) + "\n")
    assert import_offences(store, csv).imported == 260
    store.set_setting("security_marking", "OFFICIAL-SENSITIVE (TEST MARKING)")
    return store.location


def run_json(capsys, *args):
    code = main(["--db", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_hotspots_kde_writes_geopackage_and_marked_map(db, tmp_path, capsys, monkeypatch):
    from matplotlib.figure import Figure

    texts = []
    original = Figure.text
    monkeypatch.setattr(Figure, "text", lambda self, x, y, s, *a, **k: texts.append(s) or original(self, x, y, s, *a, **k))
    gpkg, png = tmp_path / "out" / "hot.gpkg", tmp_path / "hot.png"
    result = run_json(capsys, db, "hotspots", "--from", "2025-03", "--to", "2025-03", "--category", "burglary",
                      "--borough", "Camden", "--method", "kde", "--cell", "50", "--out", str(gpkg), "--png", str(png))
    assert {"cells", "hotspots", "out"} <= set(result)
    assert result["out"] == str(gpkg) and result["offences"] == 180 and result["hotspots"] >= 1
    assert result["cell"] == 50 and result["cells"] == pytest.approx(21.79e6 / 2500, rel=0.01)
    assert result["hotspot_cells"] == int(0.03 * result["cells"])
    assert result["by_borough"] == {"Camden": 180}
    top = result["repeat_locations"][0]
    assert (top["location"], top["offences"], top["easting"], top["northing"]) == ("1 High Street", 18, 527475.0, 184322.0)
    assert set(gpd.list_layers(gpkg)["name"]) == {"kde_cells", "hotspots", "offences", "repeat_locations"}
    hot = gpd.read_file(gpkg, layer="hotspots")
    assert hot.crs.to_epsg() == 27700 and hot.contains(gpd.points_from_xy([527475], [184322])[0]).any()
    points = gpd.read_file(gpkg, layer="offences")
    assert len(points) == 180 and points["in_hotspot"].sum() == result["offences_in_hotspots"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert texts.count("OFFICIAL-SENSITIVE (TEST MARKING)") == 2       # top and bottom


def test_hotspots_gi_and_evaluate_keys(db, capsys):
    gi = run_json(capsys, db, "hotspots", "--from", "2025-03", "--to", "2025-03", "--borough", "Camden",
                  "--method", "gi", "--cell", "100", "--bandwidth", "200")
    assert {"cells", "hotspots", "out"} <= set(gi) and gi["out"] is None
    assert gi["distance_band"] == 200 and gi["hotspots"] >= 1
    for method in ("kde", "gi"):
        ev = run_json(capsys, db, "hotspots", "evaluate", "--train-from", "2025-03", "--train-to", "2025-03",
                      "--test-from", "2025-04", "--test-to", "2025-04", "--borough", "Camden", "--method", method,
                      "--cell", "50", "--bandwidth", "150")
        assert {"pai", "hit_rate", "area_share"} <= set(ev)
        assert ev["test_offences"] == 80 and ev["train_offences"] == 180
        assert ev["pai"] == pytest.approx(ev["hit_rate"] / ev["area_share"])
        assert ev["area_share"] <= 0.03 and ev["pai"] > 5


def test_nearrepeat_keys_and_labels(db, capsys):
    result = run_json(capsys, db, "nearrepeat", "--category", "burglary", "--distance-band", "100",
                      "--distance-bands", "3", "--time-band", "7", "--time-bands", "2", "--permutations", "49",
                      "--seed", "2")
    assert {"observed", "expected", "knox_ratio", "p_value", "distance_bands", "time_bands"} <= set(result)
    assert result["distance_bands"][0] == "same location (0 m)"
    assert result["distance_bands"][-1] == "more than 300 m"
    assert result["time_bands"][-1] == "more than 14 days"
    assert np.array(result["observed"]).shape == (5, 3)
    assert np.array(result["observed"]).sum() == 260 * 259 // 2
    again = run_json(capsys, db, "nearrepeat", "--category", "burglary", "--distance-band", "100",
                     "--distance-bands", "3", "--time-band", "7", "--time-bands", "2", "--permutations", "49",
                     "--seed", "2")
    assert again["p_value"] == result["p_value"]
    assert result["warnings"] == []                                   # dates to the day


def test_errors_are_one_line(db, capsys):
    code = main(["--db", db, "hotspots", "--category", "no-such-thing", "--json"])
    err = capsys.readouterr()
    assert code != 0 and "Traceback" not in err.err
    code = main(["--db", db, "hotspots", "--borough", "Atlantis", "--json"])
    assert code != 0 and "Atlantis" in json.loads(capsys.readouterr().out)["error"]
    code = main(["--db", db, "hotspots", "--from", "2026-01", "--json"])
    assert code != 0 and json.loads(capsys.readouterr().out)["error"] == "no offences match the filter"
    code = main(["--db", db, "hotspots", "evaluate", "--train-from", "2026-01", "--train-to", "2026-01",
                 "--test-from", "2025-04", "--test-to", "2025-04", "--json"])
    assert code != 0 and "no offences in the training period" in json.loads(capsys.readouterr().out)["error"]


def test_real_police_uk_burglary(shared_data, new_store, capsys):
    """Four months of real Met burglary: hotspots for one borough predict the next month
    better than chance, and the Knox table is complete and labelled."""
    folder = shared_data("police-uk", "met-burglary")
    db = new_store("real")
    run_json(capsys, db, "import", "boundaries", "data/boundaries/london.gpkg", "--layer", "boroughs")
    files = [str(folder / f"2023-{m:02d}-metropolitan-street.csv.gz") for m in (9, 10, 11, 12)]
    assert run_json(capsys, db, "import", "police-uk", *files)["imported"] > 15000
    ev = run_json(capsys, db, "hotspots", "evaluate", "--train-from", "2023-09", "--train-to", "2023-11",
                  "--test-from", "2023-12", "--test-to", "2023-12", "--borough", "Westminster")
    assert ev["test_offences"] > 100 and ev["area_share"] == pytest.approx(0.03, abs=0.001)
    assert ev["pai"] > 3
    nr = run_json(capsys, db, "nearrepeat", "--borough", "Westminster", "--from", "2023-09", "--to", "2023-12",
                  "--distance-band", "200", "--distance-bands", "2", "--time-band", "30", "--time-bands", "2",
                  "--permutations", "19", "--seed", "1")
    n = nr["events"]
    assert np.array(nr["observed"]).sum() == n * (n - 1) // 2
    assert "police.uk dates are months" in nr["warnings"][0]
