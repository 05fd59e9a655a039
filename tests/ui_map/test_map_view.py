"""The Map view: opens, draws boundaries and points, selects by rectangle and polygon,
rings selections made elsewhere, computes hotspots and exports."""

from __future__ import annotations

import numpy as np
import pytest
from map_store import X0, Y0
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPolygonF
from sqlpeek import sql

from workbench.geo.defaults import HOTSPOT_METHOD
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
    view.category.setCurrentIndex(view.category.findData("robbery-personal"))
    assert view.state.category == "robbery-personal"
    qtbot.mouseClick(view.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.canvas.points.count == 50, timeout=10000)
    assert set(view.frame["category"]) == {"robbery-personal"}


def test_the_map_state_starts_from_the_shared_defaults(view):
    assert view.state.method == HOTSPOT_METHOD == view.method.currentData()
    assert view.state.date_from.isoformat() == view.date_from.date().toString("yyyy-MM-dd")


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
    assert view.analysis.method == "kde"
    assert not view.canvas.surface_item.pixmap().isNull()
    assert view.canvas.legend.ramp is not None
    png = view.export_png(str(tmp_path / "map.png"))
    assert png and (tmp_path / "map.png").stat().st_size > 1000
    job = view.export_gpkg(str(tmp_path / "map.gpkg"))
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    layers = {name for name, _kind in pyogrio.list_layers(tmp_path / "map.gpkg")}
    assert {"boroughs", "wards", "offences", "kde_cells", "hotspots"} <= layers
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
    assert sorted(map_tab.canvas.points.ids[map_tab.canvas.points.selected].tolist()) == [1, 2]
