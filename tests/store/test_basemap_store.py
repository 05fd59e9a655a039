"""The street map's store functions on both engines: a source replaced whole, features by
kind and box with their geometry (WKB in a BLOB or bytea), attributions, the street
finder's names and the police.uk locations that become street labels."""

import shapely
from shapely.geometry import LineString, Point, box

from workbench.store.basemap import (
    Feature,
    attributions,
    load_features,
    named_features,
    replace_source,
    street_locations,
)
from workbench.store.offences import write_offences

ROAD = LineString([(530000, 180000), (530500, 180000)])


def test_a_source_is_replaced_whole_and_read_back_exactly(store):
    with store.atomic():
        replace_source(store, "os", "Contains OS data (c) Crown copyright 2025",
                       [Feature("road", "Camden Road", ROAD), Feature("building", None, box(530100, 180100, 530150, 180150)),
                        Feature("road", "Old Lane", LineString([(531000, 181000), (531100, 181000)]))], None)
    with store.atomic():
        counts = replace_source(store, "os", "Contains OS data (c) Crown copyright 2026",
                                [Feature("road", "Camden Road", ROAD, weight=7),
                                 Feature("water", "Regent's Canal", box(530200, 180200, 530300, 180250))], None)
        replace_source(store, "police.uk", "Street names: police.uk", [Feature("street_label", "Café Street",
                                                                               Point(530050, 180010), 3)], None)
    assert counts == {"road": 1, "water": 1}
    roads = load_features(store, ["road"])
    assert [(f.name, f.weight) for f in roads] == [("Camden Road", 7)]          # Old Lane went with the old source
    assert shapely.equals_exact(roads[0].geometry, ROAD, tolerance=0)
    assert [f.name for f in load_features(store, ["water", "road"], bbox=(530190, 180190, 530210, 180210))] == [
        "Regent's Canal"]
    assert load_features(store, ["building"]) == []
    assert attributions(store) == ["Contains OS data (c) Crown copyright 2026", "Street names: police.uk"]
    assert sorted(f.name for f in named_features(store)) == ["Café Street", "Camden Road"]


def test_police_uk_locations_are_the_street_labels_material(store):
    base = {"source": "police.uk", "category": "burglary", "committed_from": "2025-01-01T00:00:00",
            "committed_to": "2025-01-31T23:59:59", "longitude": -0.14, "latitude": 51.54}
    write_offences(store, [{**base, "offence_ref": "a", "easting": 529000.0, "northing": 184000.0,
                            "location_desc": "On or near Camden Road"},
                           {**base, "offence_ref": "b", "easting": 529100.0, "northing": 184100.0,
                            "location_desc": "on or near Café Street"},
                           {**base, "offence_ref": "c", "easting": 529200.0, "northing": 184200.0,
                            "location_desc": "Near the park"}])
    names, east, north = street_locations(store)
    assert sorted(zip(names, east, north)) == [("On or near Camden Road", 529000.0, 184000.0),
                                               ("on or near Café Street", 529100.0, 184100.0)]
