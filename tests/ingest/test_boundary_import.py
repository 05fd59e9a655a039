"""Boundaries: import from GeoPackage/GeoJSON, repair, and the spatial join that gives
offences (also those imported earlier) their borough and ward."""

import geopandas as gpd
import pytest
from shapely.geometry import Polygon
from sqlpeek import sql

from workbench.ingest import ImportFailed
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.offences_csv import import_offences
from workbench.paths import data_path


def squares(tmp_path):
    """Two boroughs side by side and a ward in each, as GeoJSON."""
    boroughs = gpd.GeoDataFrame({"NAME": ["West", "East"]},
                                geometry=[Polygon([(0, 0), (1000, 0), (1000, 1000), (0, 1000)]),
                                          Polygon([(1000, 0), (2000, 0), (2000, 1000), (1000, 1000)])],
                                crs="EPSG:27700")
    wards = gpd.GeoDataFrame({"NAME": ["W1", "E1"], "BOROUGH": ["West", "East"]},
                             geometry=[Polygon([(0, 0), (500, 0), (500, 500), (0, 500)]),
                                       Polygon([(1500, 500), (2000, 500), (2000, 1000), (1500, 1000)])],
                             crs="EPSG:27700")
    bpath, wpath = tmp_path / "boroughs.geojson", tmp_path / "wards.geojson"
    boroughs.to_file(bpath, driver="GeoJSON")
    wards.to_file(wpath, driver="GeoJSON")
    return bpath, wpath


def test_offences_imported_before_and_after_boundaries_get_areas(store, tmp_path):
    bpath, wpath = squares(tmp_path)
    csv = tmp_path / "o.csv"
    csv.write_text("offence_ref,category,committed_from,easting,northing,borough\n"
                   "A,burglary,2025-01-01,100,100,\nB,burglary,2025-01-01,1800,900,\n"
                   "C,burglary,2025-01-01,5000,5000,\nD,burglary,2025-01-01,100,100,Given\n")
    import_offences(store, csv)
    result = import_boundaries(store, bpath, level="borough")
    assert result.imported == 2
    import_boundaries(store, wpath, level="ward")
    areas = {r: (b, w) for r, b, w in sql(store, "SELECT offence_ref, borough, ward FROM offences")}
    assert areas == {"A": ("West", "W1"), "B": ("East", "E1"), "C": (None, None), "D": ("Given", None)}

    later = tmp_path / "later.csv"
    later.write_text("offence_ref,category,committed_from,easting,northing\nE,robbery,2025-01-02,1200,100\n")
    import_offences(store, later)
    assert sql(store, "SELECT borough, ward FROM offences WHERE offence_ref='E'").fetchone() == ("East", None)


def test_bundled_london_layers_and_level_detection(store):
    path = data_path("boundaries", "london.gpkg")
    wards = import_boundaries(store, path, layer="wards")
    assert wards.level == "ward" and wards.imported == 654
    parent = sql(store, "SELECT parent FROM boundaries WHERE level='ward' AND name='Highgate' "
                                "AND parent='Camden'").fetchone()
    assert parent == ("Camden",)
    assert import_boundaries(store, path, layer="boroughs").imported == 33


def test_multilayer_file_needs_a_layer_and_bad_files_are_refused(store, tmp_path):
    with pytest.raises(ImportFailed, match="choose one with --layer: boroughs, wards"):
        import_boundaries(store, data_path("boundaries", "london.gpkg"))
    junk = tmp_path / "junk.gpkg"
    junk.write_text("not a geopackage")
    with pytest.raises(ImportFailed):
        import_boundaries(store, junk)
    assert sql(store, "SELECT count(*) FROM boundaries").fetchone()[0] == 0


def test_wgs84_input_is_reprojected_to_british_national_grid(store, tmp_path):
    frame = gpd.GeoDataFrame({"name": ["Square"]}, geometry=[Polygon(
        [(-0.15, 51.50), (-0.10, 51.50), (-0.10, 51.53), (-0.15, 51.53)])], crs="EPSG:4326")
    path = tmp_path / "sq.geojson"
    frame.to_file(path, driver="GeoJSON")
    import_boundaries(store, path, level="borough")
    minx, miny = sql(store, "SELECT minx, miny FROM boundaries").fetchone()
    assert 527000 < minx < 530000 and 178000 < miny < 181000
