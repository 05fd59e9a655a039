"""The offline street map: `import basemap` (roads with names, buildings, water, rail),
street-name labels from police.uk locations, and the street finder, on hand-made files."""

import json

import geopandas as gpd
import pytest
import shapely

from workbench.cli import main
from workbench.geo.streets import find_streets, street_labels, street_name
from workbench.store.basemap import Feature, attributions, load_features

X, Y = 530000.0, 185000.0


@pytest.fixture
def basemap_gpkg(tmp_path):
    """A GeoPackage in WGS84 (as many exports are) with roads, buildings, water, rail
    and a layer of points that is none of them."""
    path = tmp_path / "streets.gpkg"
    bng = "EPSG:27700"
    gpd.GeoDataFrame({"name1": ["Holloway Road", "Holloway Road", "Camden Road", None]},
                     geometry=[shapely.LineString([(X, Y), (X + 400, Y + 600)]),
                               shapely.LineString([(X + 400, Y + 600), (X + 800, Y + 1200)]),
                               shapely.LineString([(X - 500, Y), (X, Y)]),
                               shapely.LineString([(X, Y - 300), (X + 100, Y - 300)])],
                     crs=bng).to_crs("EPSG:4326").to_file(path, layer="road_link")
    gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.box(X + 20, Y + 20, X + 40, Y + 40),
                                               shapely.box(X + 60, Y + 20, X + 80, Y + 45)],
                     crs=bng).to_file(path, layer="buildings")
    gpd.GeoDataFrame({"name": ["Regent's Canal"]}, geometry=[shapely.box(X - 300, Y - 80, X + 300, Y - 60)],
                     crs=bng).to_file(path, layer="surface_water")
    gpd.GeoDataFrame({"name": ["North London Line"]}, geometry=[shapely.LineString([(X - 600, Y + 200),
                                                                                     (X + 600, Y + 250)])],
                     crs=bng).to_file(path, layer="railway_track")
    gpd.GeoDataFrame({"what": ["postbox"]}, geometry=[shapely.Point(X, Y)], crs=bng).to_file(path, layer="misc")
    return path


def run(capsys, *args):
    code = main(list(args) + ["--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out)


def test_import_basemap_stores_each_kind_in_bng_with_its_attribution(basemap_gpkg, store, capsys):
    db = store.location
    code, result = run(capsys, "--db", db, "import", "basemap", str(basemap_gpkg),
                       "--attribution", "Contains OS data (c) Crown copyright 2025")
    assert code == 0, result
    assert result["by_kind"] == {"road": 4, "building": 2, "water": 1, "rail": 1}
    assert result["skipped_layers"] == ["misc"]
    roads = load_features(store, ["road"])
    assert {f.name for f in roads} == {"Holloway Road", "Camden Road", None}
    first = next(f for f in roads if f.name == "Camden Road")
    assert first.geometry.bounds == pytest.approx((X - 500, Y, X, Y), abs=0.5)     # back in BNG metres
    assert attributions(store) == ["Contains OS data (c) Crown copyright 2025"]
    # Importing the same file again replaces it, and a bbox query finds only what touches it.
    assert run(capsys, "--db", db, "import", "basemap", str(basemap_gpkg))[0] == 0
    assert len(load_features(store, ["road"])) == 4
    assert len(load_features(store, ["building"], bbox=(X + 50, Y + 10, X + 90, Y + 50))) == 1
    code, result = run(capsys, "--db", db, "import", "basemap", str(basemap_gpkg), "--layer", "misc=road")
    assert code == 1 and "holds Point" in result["error"]
    code, result = run(capsys, "--db", db, "import", "basemap", str(basemap_gpkg), "--layer", "misc")
    assert code == 1 and "misc=road" in result["error"]


def test_street_finder_matches_case_go_to_abbreviations_and_spelling(basemap_gpkg, store, capsys):
    db = store.location
    run(capsys, "--db", db, "import", "basemap", str(basemap_gpkg))
    code, result = run(capsys, "--db", db, "streets", "find", "go", "to", "holloway", "rd")
    assert code == 0
    best = result["streets"][0]
    assert best["name"] == "Holloway Road" and best["bbox"] == [X, Y, X + 800, Y + 1200]
    assert len(result["streets"]) == 1                        # two segments, one street
    assert run(capsys, "--db", db, "streets", "find", "Camdn Road")[1]["streets"][0]["name"] == "Camden Road"
    code, result = run(capsys, "--db", db, "streets", "find", "Nowhere Lane")
    assert code == 1 and "no street matches" in result["error"]


def test_street_labels_from_police_uk_locations():
    assert street_name("On or near Parking Area") is None and street_name("On or near Petrol Station") is None
    assert street_name("On or near Theatre/concert Hall") is None
    descriptions = (["On or near Holloway Road"] * 5 + ["On or near High Street"] * 3
                    + ["On or near High Street"] * 2 + ["On or near Supermarket"] * 4)
    x = [X, X + 100, X + 200, X + 300, X + 400, X, X + 50, X + 100, X + 9000, X + 9050, X, X, X, X]
    y = [Y] * 5 + [Y + 500] * 3 + [Y + 500] * 2 + [Y] * 4
    labels = street_labels(descriptions, x, y)
    assert [(s.name, s.weight) for s in labels] == [("Holloway Road", 5), ("High Street", 3), ("High Street", 2)]
    assert (labels[0].easting, labels[0].northing) == (X + 200, Y)          # the middle point of the street
    features = [Feature("street_label", s.name, shapely.Point(s.easting, s.northing), s.weight) for s in labels]
    found = find_streets("high st", features)
    assert [(s.name, s.weight) for s in found] == [("High Street", 3), ("High Street", 2)]


def test_streets_build_from_the_store(store, tmp_path, capsys):
    csv = tmp_path / "o.csv"
    rows = [f"R{k},burglary-residential,2025-01-0{1 + k % 9},,{X + k * 60:.0f},{Y:.0f},On or near Holloway Road"
            for k in range(6)] + [f"S{k},shoplifting,2025-01-02,,{X:.0f},{Y + 900:.0f},On or near Supermarket"
                                  for k in range(4)]
    csv.write_text("offence_ref,category,committed_from,committed_to,easting,northing,location_desc\n"
                   + "\n".join(rows) + "\n")
    db = store.location
    assert main(["--db", db, "import", "offences", str(csv), "--json"]) == 0
    capsys.readouterr()
    code, result = run(capsys, "--db", db, "streets", "build")
    assert code == 0 and result == {"streets": 1}
    labels = load_features(store, ["street_label"])
    assert [(f.name, f.weight) for f in labels] == [("Holloway Road", 6)]
    assert "police.uk" in attributions(store)[0]


def test_hotspot_map_png_carries_the_street_map_and_its_attribution(basemap_gpkg, store, tmp_path, capsys,
                                                                   monkeypatch):
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from workbench.ingest.boundaries import import_boundaries

    import_boundaries(store, "data/boundaries/london.gpkg", layer="boroughs")
    csv = tmp_path / "o.csv"
    rows = [f"B{k},burglary-residential,2025-0{1 + k % 3}-{1 + k % 27:02d},,{X + (k % 7) * 40:.0f},"
            f"{Y + (k % 5) * 60:.0f}," for k in range(60)]
    csv.write_text("offence_ref,category,committed_from,committed_to,easting,northing,location_desc\n"
                   + "\n".join(rows) + "\n")
    db = store.location
    assert main(["--db", db, "import", "offences", str(csv)]) == 0
    assert main(["--db", db, "import", "basemap", str(basemap_gpkg), "--attribution", "Contains OS data (test)"]) == 0
    capsys.readouterr()
    figure_texts, map_texts = [], []
    original_fig, original_ax = Figure.text, Axes.text
    monkeypatch.setattr(Figure, "text", lambda self, x, y, s, *a, **k: figure_texts.append(s)
                        or original_fig(self, x, y, s, *a, **k))
    monkeypatch.setattr(Axes, "text", lambda self, x, y, s, *a, **k: map_texts.append(s)
                        or original_ax(self, x, y, s, *a, **k))
    png = tmp_path / "hot.png"
    code, result = run(capsys, "--db", db, "hotspots", "--borough", "islington", "--png", str(png))
    assert code == 0 and png.stat().st_size > 10000
    assert any("Contains OS data (test)" in t for t in figure_texts)
    assert "Holloway Road" in map_texts                                    # street names on a borough map
    assert "Camden Road" not in map_texts                                  # ...but only inside it (Camden)
