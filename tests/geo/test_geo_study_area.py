"""The study area follows the data, and borough names resolve the same way everywhere:
all London boroughs loaded with offences in two ranks cells against those two; names
match in any case, with "did you mean" and the loaded names when they do not."""

import json

import numpy as np
import pytest
import shapely

from workbench.cli import main
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.offences_csv import import_offences
from workbench.store.boundaries import UnknownArea, match_area_names, study_area

HEADER = "offence_ref,category,committed_from,committed_to,easting,northing,location_desc\n"


def _points_in(area, rng, n):
    minx, miny, maxx, maxy = area.bounds
    out = []
    while len(out) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if area.contains(shapely.Point(x, y)):
            out.append((x, y))
    return out


@pytest.fixture
def two_boroughs(store, tmp_path):
    """All 33 London boroughs loaded; 400 burglaries over three months in Camden and
    Islington (a cluster in each plus a spread), and one stray burglary in Barnet."""
    import_boundaries(store, "data/boundaries/london.gpkg", layer="boroughs")
    rng = np.random.default_rng(11)
    rows = []
    for name, centre in (("Camden", (528500, 184500)), ("Islington", (531000, 185000))):
        area = study_area(store, [name])
        points = _points_in(area, rng, 100) + [(centre[0] + rng.normal(0, 40), centre[1] + rng.normal(0, 40))
                                               for _ in range(100)]
        for k, (x, y) in enumerate(points):
            month = 1 + k % 3
            rows.append(f"{name[:3]}{k},burglary-residential,2025-{month:02d}-{1 + k % 27:02d},,{x:.0f},{y:.0f},")
    (x, y), = _points_in(study_area(store, ["Barnet"]), rng, 1)
    rows.append(f"Bar1,burglary-residential,2025-02-10,,{x:.0f},{y:.0f},")
    csv = tmp_path / "offences.csv"
    csv.write_text(HEADER + "\n".join(rows) + "\n")
    assert import_offences(store, csv).imported == 401
    return store.location


def run(capsys, *args):
    code = main(["--db", *args, "--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_hotspots_without_borough_rank_cells_in_the_boroughs_holding_the_offences(two_boroughs, store, capsys):
    code, result, _ = run(capsys, two_boroughs, "hotspots", "--from", "2025-01", "--to", "2025-03",
                          "--cell", "50", "--bandwidth", "150", "--method", "kde")
    assert code == 0
    two = study_area(store, ["Camden", "Islington"]).area / 1e6          # about 36.6 km²
    assert result["study_area"] == {"boroughs": ["Camden", "Islington"], "rule": "data",
                                    "area_km2": pytest.approx(two, rel=0.01), "left_out": {"Barnet": 1}}
    assert result["hotspot_area_km2"] == pytest.approx(0.03 * two, rel=0.02)
    assert result["hotspot_area_km2"] < 1.2                              # not 3% of all London (47 km²)
    assert (result["cell_m"], result["bandwidth_m"], result["chosen_by"]) == (50, 150, "given")


def test_evaluate_uses_the_same_study_area_rule(two_boroughs, store, capsys):
    code, result, _ = run(capsys, two_boroughs, "hotspots", "evaluate", "--train-from", "2025-01",
                          "--train-to", "2025-02", "--test-from", "2025-03", "--test-to", "2025-03")
    assert code == 0
    two = study_area(store, ["Camden", "Islington"]).area / 1e6
    assert result["study_area_km2"] == pytest.approx(two, rel=0.02)
    assert result["hotspot_area_km2"] <= 0.03 * result["study_area_km2"] + 1e-9
    assert {"pai", "hit_rate", "area_share", "pei", "rri", "cell_m", "bandwidth_m", "chosen_by"} <= set(result)


def test_borough_names_match_in_any_case_with_a_suggestion_otherwise(two_boroughs, capsys):
    code, result, _ = run(capsys, two_boroughs, "hotspots", "--borough", "camden", "--method", "kde",
                          "--cell", "50", "--bandwidth", "100")
    assert code == 0 and result["study_area"]["boroughs"] == ["Camden"] and result["by_borough"] == {"Camden": 200}
    code, result, err = run(capsys, two_boroughs, "nearrepeat", "--borough", "Camdn", "--distance-band", "100",
                            "--time-band", "7", "--permutations", "9")
    assert code == 1
    assert "did you mean 'Camden'?" in result["error"] and "Islington" in result["error"]
    assert "Kingston upon Thames" in result["error"] and len(err.strip().splitlines()) == 1


def test_match_area_names_hand_made():
    known = ["City of London", "Kingston upon Thames", "Tower Hamlets"]
    assert match_area_names(["tower  hamlets", "CITY OF LONDON"], known) == ["Tower Hamlets", "City of London"]
    assert match_area_names(None, known) is None
    with pytest.raises(UnknownArea, match="did you mean 'Tower Hamlets'.*loaded boroughs: City of London"):
        match_area_names(["Tower Hamlet"], known)
    with pytest.raises(UnknownArea, match="no borough boundaries are loaded"):
        match_area_names(["Camden"], [])


def test_a_hotspot_covering_a_whole_borough_is_warned(store, tmp_path, capsys):
    import_boundaries(store, "data/boundaries/london.gpkg", layer="boroughs")
    city = study_area(store, ["City of London"])
    rng = np.random.default_rng(3)
    rows = [f"C{k},burglary-residential,2025-01-{1 + k % 27:02d},,{x:.0f},{y:.0f},"
            for k, (x, y) in enumerate(_points_in(city, rng, 60))]
    csv = tmp_path / "city.csv"
    csv.write_text(HEADER + "\n".join(rows) + "\n")
    import_offences(store, csv)
    code, result, err = run(capsys, store.location, "hotspots", "--coverage", "1", "--method", "kde",
                            "--cell", "50", "--bandwidth", "400")
    assert code == 0
    assert any("hold 100% of the offences" in w for w in result["warnings"])
    assert any("cover" in w and "City of London" in w for w in result["warnings"])
    assert "warning:" in err
