"""The Map view: opens, draws boundaries and points, selects by rectangle and polygon,
rings selections made elsewhere, computes hotspots and exports."""

from __future__ import annotations

import numpy as np
import pytest
from map_store import X0, Y0
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPolygonF
from sqlpeek import sql

from workbench.app.state import MapState
from workbench.ui.views import map_view


@pytest.fixture
def view(qtbot, map_session):
    widget = map_view.create_view(map_session)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.canvas.points.count == 100, timeout=10000)
    return widget


def test_map_opens_with_boundaries_and_points(view):
    assert map_view.TITLE == "Map" and map_view.ORDER == 20
    assert view.canvas.boroughs_item.path().boundingRect() == QRectF(X0, -(Y0 + 1000), 1000, 1000)
    assert not view.canvas.wards_item.path().isEmpty()
    assert [label.text() for label in view.canvas.labels] == ["East", "West"]
    assert sorted(view.canvas.points.ids.tolist()) == list(range(1, 101))
    assert [text for _c, text in view.canvas.legend.categories] == ["Burglary residential (50)",
                                                                    "Robbery personal (50)"]
    image = view.canvas.viewport().grab().toImage()
    assert image.width() > 0 and image.pixelColor(image.width() // 2, image.height() // 2).isValid()


def test_rectangle_selects_the_offences_inside_and_tells_the_session(view, map_session):
    got = []
    map_session.selection_changed.connect(got.append)
    # The south-west 3 x 2 block of the grid: columns 0-2, rows 0-1 -> ids 1-3 and 11-13.
    ids = view.canvas.select_rect(QRectF(X0, -(Y0 + 200), 300, 200))
    assert sorted(ids.tolist()) == [1, 2, 3, 11, 12, 13]
    assert got[-1].kind == "offence" and got[-1].origin == "map"
    assert sorted(got[-1].ids) == [1, 2, 3, 11, 12, 13]
    assert int(view.canvas.points.selected.sum()) == 6


def test_polygon_selects_the_offences_inside(view):
    # A triangle over the south-west corner: the points with column + row <= 2.
    triangle = QPolygonF([QPointF(X0, -Y0), QPointF(X0 + 350, -Y0), QPointF(X0, -(Y0 + 350))])
    ids = view.canvas.select_polygon(triangle)
    assert sorted(ids.tolist()) == [1, 2, 3, 11, 12, 21]


def test_selection_made_elsewhere_is_ringed(view, map_session):
    map_session.select("offence", [5, 50, 99], origin="offences")
    chosen = view.canvas.points.ids[view.canvas.points.selected]
    assert sorted(chosen.tolist()) == [5, 50, 99]


def test_filter_bar_narrows_the_points(view, qtbot):
    assert view.state == MapState(date_from=view.state.date_from, date_to=view.state.date_to)
    view.category.setCurrentIndex(view.category.findData("robbery-personal"))
    qtbot.mouseClick(view.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.canvas.points.count == 50, timeout=10000)
    assert set(view.frame["category"]) == {"robbery-personal"} and view.state.category == "robbery-personal"
    view.borough.setCurrentIndex(view.borough.findData("East"))
    view.date_to.setDate(view.date_from.date())
    qtbot.mouseClick(view.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.canvas.points.count < 50, timeout=10000)
    assert view.state.borough == "East" and view.state.date_to == view.state.date_from
    assert 0 < len(view.frame) < 50 and set(view.frame["borough"]) == {"East"}
    assert set(view.frame["committed_from"].dt.date) <= {view.state.date_from}
    assert view.canvas.title.endswith(f"{view.state.date_from:%d/%m/%Y} to {view.state.date_to:%d/%m/%Y}")


def test_dense_points_are_clustered_when_zoomed_out(view):
    layer = view.canvas.points
    view.canvas.zoom_to((X0 - 20000, Y0 - 20000, X0 + 20000, Y0 + 20000))
    clusters = layer._clusters(56.0 * view.canvas.metres_per_pixel())
    assert clusters["count"].sum() == 100 and len(clusters["count"]) < 10
    view.canvas.viewport().grab()


def test_hotspots_png_and_geopackage_export(view, qtbot, tmp_path):
    import pyogrio

    qtbot.mouseClick(view.hotspot_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.analysis is not None, timeout=20000)
    assert view.analysis.method in ("kde", "prospective")       # learned by cross-validation
    assert "cross-validation" in view.analysis.settings or "rule of thumb" in view.analysis.settings
    assert not view.canvas.surface_item.pixmap().isNull()
    assert view.canvas.legend.ramp is not None
    png = view.export_png(str(tmp_path / "map.png"))
    assert png and (tmp_path / "map.png").stat().st_size > 1000
    job = view.export_gpkg(str(tmp_path / "map.gpkg"))
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    layers = {name for name, _kind in pyogrio.list_layers(tmp_path / "map.gpkg")}
    assert {"boroughs", "wards", "offences", f"{view.analysis.method}_cells", "hotspots"} <= layers
    actions = [r[0] for r in sql(view.session.store, "SELECT action FROM audit_log")]
    assert "export.map" in actions and "export.geopackage" in actions
    from PIL import Image
    assert Image.open(tmp_path / "map.png").info["Warning"] == "OFFICIAL-SENSITIVE"
    import geopandas as gpd
    assert set(gpd.read_file(tmp_path / "map.gpkg", layer="hotspots")["security_marking"]) == {"OFFICIAL-SENSITIVE"}
    assert np.isfinite(view.analysis.surface.density).any()


def test_offences_table_offers_show_on_map(qtbot, map_session):
    from workbench.ui.main_window import MainWindow
    from workbench.ui.views import offences_view

    window = MainWindow(map_session)
    qtbot.addWidget(window)
    map_tab = window.views["Map"]
    qtbot.waitUntil(lambda: map_tab.canvas.points.count == 100, timeout=10000)
    assert ("Show on map", map_view.show_offences_on_map) in offences_view._ACTIONS
    map_view.show_offences_on_map(map_session, [1, 2], window.views["Offences"])
    assert window.tabs.currentWidget() is map_tab
    qtbot.waitUntil(lambda: map_tab.canvas.points.count == 2, timeout=10000)
    assert sorted(map_tab.canvas.points.ids[map_tab.canvas.points.selected].tolist()) == [1, 2]


def test_show_on_map_filters_to_the_offences_their_category_and_period(qtbot, map_session):
    """From an alert: only its offences, the filter bar at their category and period,
    risk zones above the offences, and a clear way back to all offences."""
    import shapely

    from workbench.ui.map.navigate import MapFocus

    view = map_view.create_view(map_session)
    qtbot.addWidget(view)
    view.resize(900, 700)
    qtbot.waitUntil(lambda: view.canvas.points.count == 100, timeout=10000)
    zone = shapely.Point(X0 + 150, Y0 + 50).buffer(120)
    view.show_subset(MapFocus([2, 3, 4], "Near-repeat risk in West", risk_zones=[zone]))
    qtbot.waitUntil(lambda: view.canvas.points.count == 3, timeout=10000)
    assert sorted(view.canvas.points.ids.tolist()) == [2, 3, 4]
    assert view.category.currentData() == "burglary-residential"
    assert view.date_from.date().toString("yyyy-MM-dd") == "2025-03-02"
    assert view.date_to.date().toString("yyyy-MM-dd") == "2025-03-04"
    assert (view.state.category, str(view.state.date_from), str(view.state.date_to)) == \
        ("burglary-residential", "2025-03-02", "2025-03-04")
    assert not view.banner.isHidden() and "Near-repeat risk in West" in view.banner_text.text()
    assert "3 offences" in view.banner_text.text()
    assert not view.canvas.risk_item.path().isEmpty()
    assert view.canvas.risk_item.zValue() > view.canvas.points.zValue()      # zones on top of clusters
    assert sorted(view.canvas.points.ids[view.canvas.points.selected].tolist()) == [2, 3, 4]
    view.back_to_all()
    qtbot.waitUntil(lambda: view.canvas.points.count == 100, timeout=10000)
    assert view.banner.isHidden() and view.category.currentData() is None and view.state.category is None
    assert view.canvas.risk_item.path().isEmpty()


def test_streets_are_drawn_under_the_offences_named_at_large_scales_and_found(view):
    import shapely

    from workbench.store.basemap import Feature, replace_source

    store = view.session.store
    roads = [Feature("road", "Holloway Road", shapely.LineString([(X0, Y0 + 420), (X0 + 1000, Y0 + 420)])),
             Feature("road", "Camden Road", shapely.LineString([(X0 + 480, Y0), (X0 + 480, Y0 + 1000)])),
             Feature("building", None, shapely.box(X0 + 100, Y0 + 440, X0 + 160, Y0 + 480))]
    with store.atomic():
        replace_source(store, "test.gpkg", "Contains OS data (test)", roads, None)
    view.load_basemap()
    assert not view.canvas.basemap.roads.path().isEmpty() and not view.canvas.basemap.buildings.path().isEmpty()
    assert view.canvas.basemap.zValue() < view.canvas.surface_item.zValue() < view.canvas.points.zValue()
    assert "Contains OS data (test)" in view.canvas.attribution
    view.canvas.zoom_to((X0 - 20000, Y0 - 20000, X0 + 20000, Y0 + 20000))
    assert view.canvas.basemap.visible_labels() == []                  # no names at 1:150,000
    found = view.go_to_street("holloway rd")
    assert found[0].name == "Holloway Road" and "Holloway Road" in view.status.text()
    assert "Holloway Road" in view.canvas.basemap.visible_labels()
    centre = view.canvas.mapToScene(view.canvas.viewport().rect().center())
    assert abs(centre.x() - (X0 + 500)) < 5 and abs(-centre.y() - (Y0 + 420)) < 5
    view.layer_boxes["streets"].setChecked(False)
    assert view.canvas.basemap.visible_labels() == [] and not view.canvas.basemap.isVisible()


def test_gi_legend_lists_only_the_classes_on_the_map(view, qtbot):
    from map_store import write_offences
    cluster = [{"ref": f"C/{k}", "category": "burglary-residential", "committed_from": "2025-03-10T12:00",
                "easting": X0 + 120 + (k % 6) * 10, "northing": Y0 + 130 + (k // 6) * 10} for k in range(60)]
    write_offences(view.session.store, cluster, source="cluster")
    qtbot.mouseClick(view.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.canvas.points.count == 160, timeout=10000)
    view.method.setCurrentIndex(view.method.findData("gi"))
    assert view.state.method == "gi"
    qtbot.mouseClick(view.hotspot_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.analysis is not None, timeout=20000)
    surface = view.analysis.surface
    drawn = set(np.unique(surface.classes[surface.mask]).tolist()) - {0}
    assert drawn and len(drawn) < 6, drawn
    from workbench.ui.map.style import GI_LABELS
    assert [label for _c, label in view.canvas.legend.classes] == [GI_LABELS[k] for k in sorted(drawn, reverse=True)]


def test_map_tools_have_drawn_icons_and_plain_text(view):
    for button in view.tool_buttons.values():
        assert not button.icon().isNull() and not button.icon().pixmap(16, 16).toImage().isNull()
        assert button.text().isascii() and button.text()
    assert view.tool_buttons["pan"].text() == "Pan"


def test_long_hotspot_settings_in_the_status_do_not_widen_the_window(view):
    before = view.minimumSizeHint().width()
    view.status.setText("Study area: West, East · KDE, 25 m cells (learned by temporal cross-validation) " * 6)
    assert view.minimumSizeHint().width() <= before


def test_the_map_fits_a_1366_pixel_laptop_screen(view):
    assert view.minimumSizeHint().width() <= 1366


def test_one_source_of_hotspot_defaults():
    """``workbench hotspots`` with no options, the hotspot function and the Map's state agree."""
    import inspect

    from workbench.cli import build_parser
    from workbench.geo.hotspots import hotspot_cells

    args = build_parser().parse_args(["hotspots"])
    core = {n: p.default for n, p in inspect.signature(hotspot_cells).parameters.items()}
    state = MapState()
    for name, value in state.hotspot_arguments().items():
        assert getattr(args, name) == core[name] == value, name
    assert (args.category, args.borough, args.date_from, args.date_to) == (None, None, None, None)
    assert state.offence_filter() == map_view.OffenceFilter()
    assert state.boroughs() is None


def test_a_load_that_finishes_after_a_later_one_is_dropped(view, monkeypatch):
    """The whole store's offences arriving after a "Show on map" subset do not replace it."""
    from types import SimpleNamespace

    from workbench.ui.map.navigate import MapFocus

    started = []
    monkeypatch.setattr(map_view, "run_job", lambda _parent, _title, work, **kw: started.append(
        (work, kw["on_done"])) or SimpleNamespace(running=False))
    store = view.session.store
    view.reload()                                                   # every offence
    view.show_subset(MapFocus([2, 3, 4], "Three offences"))         # then three
    frames = [work(store, lambda *_: None, lambda: False) for work, _done in started]
    assert [len(f) for f in frames] == [100, 3]
    started[1][1](frames[1])
    started[0][1](frames[0])                                        # the earlier load finishes last
    assert sorted(view.canvas.points.ids.tolist()) == [2, 3, 4]
