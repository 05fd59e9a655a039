"""Routes to a new PATP from the app: the Offences table, a person, a hotspot on the Map, and
the series picker by name; each lands the new draft in the Tasking view."""

import pytest

pytest.importorskip("PySide6")

from acting import grant
from handmade import SERIES_REF, make_borough
from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.network.person import person_page
from workbench.store import open_store
from workbench.store.offences import find_by_ref
from workbench.tasking.patp import Problem
from workbench.tasking.sources import series_choices, series_label


@pytest.fixture
def window(qtbot, new_store):
    db = new_store("s")
    store = open_store(db)
    make_borough(store)
    store.close()
    session = Session(db)
    from workbench.ui.main_window import MainWindow

    win = MainWindow(session)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    yield win
    session.close()


def _drafted(qtbot, window):
    tasking = window.views["Tasking"]
    qtbot.waitUntil(lambda: tasking.patp is not None, timeout=60000)
    assert window.tabs.currentWidget() is tasking
    assert tasking.table.rowCount() == 1 and "Created" in tasking.message.text()
    return tasking.patp


def test_offences_table_offers_new_patp(qtbot, window):
    from workbench.ui.views import offences_view, tasking_view

    assert ("New PATP from these offences…", tasking_view.new_patp_from_offences) in offences_view._ACTIONS
    store = window.session.store
    ids = [find_by_ref(store, f"TB/S0{i}") for i in (1, 2, 3)]
    tasking_view.new_patp_from_offences(window.session, ids, window.views["Offences"])
    patp = _drafted(qtbot, window)
    assert patp.source_kind == "offences" and sorted(patp.offence_ids) == sorted(ids)
    assert patp.title == "Offences TB/S01, TB/S02, TB/S03"


def test_person_page_offers_new_patp(qtbot, window):
    people = window.views["People"]
    people.current_page = person_page(window.session.store, "O-17")
    people.new_patp.click()
    patp = _drafted(qtbot, window)
    assert patp.source_kind == "person" and patp.problem_type == "offender" and len(patp.offence_ids) == 3


def test_map_hotspot_offers_new_patp(qtbot, window, monkeypatch):
    from workbench.ui.views import map_view

    map_tab = window.views["Map"]
    qtbot.waitUntil(lambda: map_tab.canvas.points.count > 0, timeout=10000)
    assert not map_tab.patp_button.isEnabled()                   # nothing to choose before hotspots
    qtbot.mouseClick(map_tab.hotspot_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: map_tab.analysis is not None, timeout=60000)
    assert map_tab.patp_button.isEnabled()
    offered = []
    monkeypatch.setattr(map_view.QInputDialog, "getItem", staticmethod(
        lambda _parent, _title, _label, labels, *_a: (offered.extend(labels), (labels[0], True))[1]))
    qtbot.mouseClick(map_tab.patp_button, Qt.LeftButton)
    assert offered[0].startswith("Hotspot 1: ")
    patp = _drafted(qtbot, window)
    polygon = map_tab.analysis.polygons.geometry.iloc[0]
    assert patp.source_kind == "hotspot" and patp.area.equals(polygon)
    assert patp.title.startswith("Offending hotspot in Testborough")     # named by its main ward
    assert patp.offence_ids


def test_series_are_offered_by_name_and_no_meeting_points_to_the_button(qtbot, window):
    named = Problem("Acacia Avenue burglaries", (1, 2, 3), source_kind="series", source_ref="S3", local=True)
    force = Problem(f"Series {SERIES_REF}", tuple(range(8)), source_kind="series", source_ref=SERIES_REF)
    assert series_label(named) == "Acacia Avenue burglaries (S3): 3 offences"
    assert series_label(force) == f"Series {SERIES_REF}: 8 offences"
    rows = {1: ("burglary-residential", "North", "2025-01-06T19:00"), 2: ("burglary-residential", "North",
            "2025-03-02T19:00"), 3: ("theft-from-vehicle", None, "2025-02-01T10:00")}
    assert series_label(named, rows) == ("Acacia Avenue burglaries (S3): 3 offences, burglary residential in North, "
                                         "Jan-Mar 2025")
    choices = series_choices(window.session.store)             # the handmade force series, described
    assert choices == [(f"Series {SERIES_REF}: 8 offences, burglary residential in Testborough North, Jan-Mar 2025",
                        SERIES_REF)]


def test_scheduling_with_no_meeting_points_to_the_new_meeting_button(qtbot, window, act_as):
    """Pressing Schedule on an approved PATP before any TTCG meeting exists says where to make one."""
    tasking = window.views["Tasking"]
    tasking.new_from_series(SERIES_REF)
    qtbot.waitUntil(lambda: tasking.patp is not None, timeout=60000)
    tasking.edits["owner"].setText("DI Smith")
    assert tasking.transition("submit", comment="ready")
    grant(window.session.store, "h.analyst")
    act_as("h.analyst")
    assert tasking.transition("approve", comment="Sound analysis")
    assert tasking.buttons["schedule"].isEnabled()
    qtbot.mouseClick(tasking.buttons["schedule"], Qt.LeftButton)
    assert "New meeting (next on the cycle)" in tasking.message.text()
    assert "workbench meeting" not in tasking.message.text()
    assert tasking.patp.status == "approved"
