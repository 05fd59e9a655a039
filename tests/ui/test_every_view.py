"""Every view works on both engines: the main window opens on a generated store (a file,
or a team store on the PostgreSQL server), and each tab's main action runs and shows
real content: scan, offences, map and hotspots, near repeats, series with a link
suggestion, intelligence search, people, network, a PATP drafted and opened, the audit
chain verified."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.store import open_store
from workbench.store.offences import offence_count
from workbench.synth.generate import generate
from workbench.synth.loading import write_to_store
from workbench.ui.main_window import MainWindow

LONG = 60000


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    return engine_checked(request.param)


@pytest.fixture
def window(qtbot, new_store):
    location = new_store("generated")
    with open_store(location) as store:
        write_to_store(store, generate(5, offences=1200))
    session = Session(location)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    yield win
    session.close()


def visit(qtbot, window, title):
    view = window.views[title]
    window.tabs.setCurrentWidget(view)
    qtbot.wait(10)
    return view


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.LeftButton)


def finished(qtbot, view, attribute="job") -> None:
    qtbot.waitUntil(lambda: getattr(view, attribute) is not None and not getattr(view, attribute).running, timeout=LONG)


def test_every_view_runs_its_main_action(window, qtbot, engine):
    session = window.session
    total = offence_count(session.store)
    assert total == 1200 and f"{total:,} offences" in window.counts.text()

    scan = visit(qtbot, window, "Scan")
    click(qtbot, scan.run_button)
    finished(qtbot, scan)
    assert scan.alerts.topLevelItemCount() > 0

    offences = visit(qtbot, window, "Offences")
    qtbot.waitUntil(lambda: offences.model.rowCount() == total, timeout=LONG)
    offences.borough.setCurrentIndex(offences.borough.findData("Camden"))
    qtbot.waitUntil(lambda: 0 < offences.model.rowCount() < total, timeout=LONG)

    map_view = visit(qtbot, window, "Map")
    qtbot.waitUntil(lambda: map_view.canvas.points.count > 0, timeout=LONG)
    click(qtbot, map_view.hotspot_button)
    qtbot.waitUntil(lambda: map_view.analysis is not None, timeout=LONG)

    near = visit(qtbot, window, "Near repeat")
    click(qtbot, near.run_button)
    finished(qtbot, near)
    assert near.table.rowCount() > 0

    series = visit(qtbot, window, "Series")
    series.result = None
    click(qtbot, series.find_button)
    qtbot.waitUntil(lambda: series.result is not None, timeout=LONG)
    assert series.result["series"]
    from workbench.ui.linkage.suggest_dialog import open_suggest_dialog
    dialog = open_suggest_dialog(session, int(series.result["series"][0]["offence_ids"][0]))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=LONG)
    assert dialog.table.rowCount() > 0

    intel = visit(qtbot, window, "Intelligence")
    intel.reports = None
    click(qtbot, intel.search_button)
    qtbot.waitUntil(lambda: intel.reports is not None, timeout=LONG)
    assert intel.table.rowCount() > 0

    people = visit(qtbot, window, "People")
    qtbot.waitUntil(lambda: people.nominals.rowCount() > 0, timeout=LONG)

    network = visit(qtbot, window, "Network")
    network.entity.setText(intel.table.item(0, 1).text())      # the first report's reference
    click(qtbot, network.expand_entity_button)
    finished(qtbot, network)
    assert network.result is not None, network.status.text()
    assert len(network.chart.entities) > 1

    tasking = visit(qtbot, window, "Tasking")
    from workbench.tasking.sources import series_choices
    tasking.new_from_series(series_choices(session.store)[0][1])
    qtbot.waitUntil(lambda: tasking.patp is not None, timeout=LONG)
    assert tasking.table.rowCount() == 1 and tasking.heading.text().startswith(tasking.patp.reference)

    audit_view = visit(qtbot, window, "Audit")
    audit_view.result = None
    click(qtbot, audit_view.verify_button)
    qtbot.waitUntil(lambda: audit_view.result is not None, timeout=LONG)
    assert audit_view.result["ok"] and audit_view.table.item(0, 3).text() == "patp.create"
    window.grab().save(f"/tmp/every_view_{engine}.png")
