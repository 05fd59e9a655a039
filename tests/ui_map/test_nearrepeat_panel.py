"""The Near repeat panel runs the Knox test and colours the table by significance."""

from __future__ import annotations

import inspect
from datetime import date

import numpy as np
from map_store import X0, Y0, write_offences
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor

from workbench.app.state import NearRepeatState
from workbench.geo.defaults import DISTANCE_BAND, METRIC, TIME_BANDS
from workbench.geo.nearrepeat import knox
from workbench.ui.views import nearrepeat_view


def test_panel_runs_knox_and_colours_significant_cells(qtbot, map_session):
    rng = np.random.default_rng(2)
    rows = []
    for k in range(40):          # pairs 30 m and 2 days apart, far from each other in space and time
        x, y = X0 + rng.uniform(-6000, 6000), Y0 + rng.uniform(-6000, 6000)
        day = np.datetime64("2024-04-01") + np.timedelta64(int(k * 8), "D")
        rows.append({"ref": f"B/{k}a", "category": "burglary-residential", "committed_from": str(day),
                     "easting": x, "northing": y})
        rows.append({"ref": f"B/{k}b", "category": "burglary-residential",
                     "committed_from": str(day + np.timedelta64(2, "D")), "easting": x + 30, "northing": y})
    write_offences(map_session.store, rows, source="bursts")
    view = nearrepeat_view.create_view(map_session)
    qtbot.addWidget(view)
    assert nearrepeat_view.TITLE == "Near repeat" and nearrepeat_view.ORDER == 25
    view.category.setCurrentIndex(view.category.findData("burglary-residential"))
    view.date_from.setDate(view.date_from.date().addYears(-3))
    view.permutations.setValue(99)
    qtbot.mouseClick(view.run_button, Qt.LeftButton)
    job = view.job
    qtbot.waitUntil(lambda: not job.running, timeout=30000)
    result = view.run_result.result
    assert view.table.rowCount() == len(result.distance_bands) == 7
    assert view.table.verticalHeaderItem(1).text() == "more than 0 m, up to 100 m"
    assert view.table.horizontalHeaderItem(0).text() == result.time_bands[0]
    near = view.table.item(1, 0)
    assert near.background().color() == QColor(nearrepeat_view.BANDS[1][1]) or \
        near.background().color() == QColor(nearrepeat_view.BANDS[0][1])
    assert near.text().startswith(f"{result.knox_ratio[1, 0]:.2f}\n{result.observed[1, 0]:,} / ")
    few = view.table.item(0, 3)                                         # too few pairs to quote: greyed
    assert result.observed[0, 3] < 5 and few.background().color() == QColor(nearrepeat_view.FEW)
    assert "too few to quote" in few.toolTip()
    assert "Repeat risk raised" in view.summary.text()
    assert view.run_result.state == view.state and view.run_result.state is not view.state   # the settings run
    assert view.canvas.legend.title == (f"{view.category.currentText()}, {view.state.date_from:%d/%m/%Y} to "
                                        f"{view.state.date_to:%d/%m/%Y}")


def test_the_form_shows_and_edits_the_state(qtbot, map_session):
    view = nearrepeat_view.create_view(map_session)
    qtbot.addWidget(view)
    assert view.state == NearRepeatState(date_from=view.state.date_from, date_to=view.state.date_to)
    assert (view.distance_band.value(), view.time_bands.value(), view.metric_box.currentData()) == \
        (DISTANCE_BAND, TIME_BANDS, METRIC)
    view.permutations.setValue(99)
    view.metric_box.setCurrentIndex(view.metric_box.findData("manhattan"))
    view.date_to.setDate(QDate(2025, 3, 31))
    assert (view.state.permutations, view.state.metric, view.state.date_to) == (99, "manhattan", date(2025, 3, 31))
    assert view.state.offence_filter().date_to == "2025-04-01"
    view.state.time_bands = 3
    view.binding.show()
    assert view.time_bands.value() == 3


def test_one_source_of_knox_defaults():
    """The analysis function, the command line and the panel's state share their defaults."""
    from workbench.cli import build_parser

    args = build_parser().parse_args(["nearrepeat", "--distance-band", "100", "--time-band", "7"])
    knox_defaults = {name: p.default for name, p in inspect.signature(knox).parameters.items()}
    state = NearRepeatState()
    for name in ("distance_bands", "time_bands", "permutations", "metric"):
        assert getattr(args, name) == knox_defaults[name] == getattr(state, name), name
    assert (state.distance_band, state.time_band) == (knox_defaults["distance_band"], knox_defaults["time_band"])


def test_cell_colour_bands():
    assert nearrepeat_view.cell_colour(0.0005, 3.0) == QColor("#a50f15")
    assert nearrepeat_view.cell_colour(0.03, 1.2) == QColor("#fc9272")
    assert nearrepeat_view.cell_colour(0.03, 0.5) == QColor(nearrepeat_view.LOW)
    assert nearrepeat_view.cell_colour(0.2, 2.0) is None
    assert nearrepeat_view.cell_colour(float("nan"), float("nan")) is None


def _run_on_repeat_pairs(qtbot, map_session, source: str):
    """Add 40 pairs of burglaries a day and 20 m apart (from ``source``), then run the
    Near repeat panel of a main window on burglary; returns ``(window, panel)``."""
    from workbench.ui.main_window import MainWindow

    rows = [{"ref": f"R/{k}{s}", "category": "burglary-residential",
             "committed_from": f"2025-0{1 + k // 10}-{1 + (k % 10) * 2 + d:02d}",
             "easting": X0 - 3000 + k * 150 + (20 if s == "b" else 0), "northing": Y0 - 2000 + (k % 7) * 400}
            for k in range(40) for s, d in (("a", 0), ("b", 1))]
    write_offences(map_session.store, rows, source=source)
    window = MainWindow(map_session)
    qtbot.addWidget(window)
    panel = window.views["Near repeat"]
    panel.category.setCurrentIndex(panel.category.findData("burglary-residential"))
    panel.date_from.setDate(panel.date_from.date().addYears(-3))
    panel.permutations.setValue(99)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    job = panel.job
    qtbot.waitUntil(lambda: not job.running, timeout=30000)
    return window, panel


def test_risk_zones_go_to_the_map_tab(qtbot, map_session):
    window, panel = _run_on_repeat_pairs(qtbot, map_session, "zones")
    assert len(panel.run_result.zones) > 0 and panel.to_map.isEnabled()
    map_tab = panel.show_on_main_map()
    assert window.tabs.currentWidget() is map_tab
    zone_offences = sorted(int(i) for i in panel.run_result.zones["offence"])
    qtbot.waitUntil(lambda: sorted(map_tab.canvas.points.ids.tolist()) == zone_offences, timeout=30000)
    assert not map_tab.canvas.risk_item.path().isEmpty()
    assert "Near-repeat risk zones" in map_tab.banner_text.text()


def test_risk_zones_leave_out_police_uk_records(qtbot, map_session):
    """Near-repeat pairs among police.uk records (anonymised snap points) count in the Knox
    table, but risk zones surround only precise records (the fixture's offences, ids 1 to
    100), as the scan's near-repeat alerts do."""
    from workbench.store.offences import SNAPPED_SOURCES

    _, panel = _run_on_repeat_pairs(qtbot, map_session, sorted(SNAPPED_SOURCES)[0])
    assert panel.run_result.result.observed.sum() > 0 and len(panel.run_result.zones) > 0
    assert max(int(i) for i in panel.run_result.zones["offence"]) <= 100
