"""Live refresh: when another analyst changes the store (a team store, or the same SQLite
file from another Workbench), the open window's views show it within one poll and the
status bar says who did what."""

from __future__ import annotations

import pytest

from workbench.app.session import Session
from workbench.ingest.offences_csv import import_offences
from workbench.linkage.decisions import DecideLink
from workbench.store import open_store
from workbench.store.offences import find_by_ref
from workbench.ui.main_window import MainWindow

CSV = "offence_ref,category,committed_from,easting,northing,borough\n" + "".join(
    f"R{i},burglary-residential,2025-03-0{1 + i}T12:00,{530000 + 100 * i},180000,Camden\n" for i in range(4))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    return engine_checked(request.param)


@pytest.fixture
def window(qtbot, new_store, tmp_path):
    csv = tmp_path / "o.csv"
    csv.write_text(CSV)
    session = Session(new_store("team"))
    import_offences(session.store, [csv])
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.watch_timer.setInterval(150)          # the window polls every 5 s; the test need not wait that long
    win.show()
    yield win
    session.close()


def test_another_analysts_import_and_decision_reach_the_open_views(window, qtbot, tmp_path, act_as):
    offences = window.views["Offences"]
    audit_view = window.views["Audit"]
    window.tabs.setCurrentWidget(audit_view)
    qtbot.waitUntil(lambda: offences.model.rowCount() == 4)
    more = tmp_path / "more.csv"
    more.write_text(CSV.replace("R", "S"))
    act_as("jsmith")
    with open_store(window.session.location) as other:          # jsmith's Workbench
        import_offences(other, [more])
        DecideLink(find_by_ref(other, "R0"), find_by_ref(other, "R1"), "confirmed", why="same car").do(other)
    act_as("test.analyst")
    qtbot.waitUntil(lambda: offences.model.rowCount() == 8, timeout=5000)
    assert "8 offences" in window.counts.text()
    assert window.statusBar().currentMessage() == \
        "jsmith confirmed a link (and 1 more change by jsmith) — views updated"
    assert [audit_view.table.item(0, c).text() for c in (2, 3)] == ["jsmith", "link.confirm"]


def test_own_changes_leave_no_note(window, qtbot):
    session = window.session
    session.run(DecideLink(find_by_ref(session.store, "R0"), find_by_ref(session.store, "R2"), "rejected"))
    qtbot.wait(400)
    assert window.statusBar().currentMessage() == ""


def test_a_colleagues_patp_keeps_what_the_analyst_is_typing(window, qtbot, act_as):
    from workbench.tasking.editing import CreatePatp
    from workbench.tasking.patp import Patp

    session = window.session
    session.run(CreatePatp(Patp(reference="PATP/2025/0001", title="Burglary in Camden", author="test.analyst",
                                date="2025-03-01")))
    tasking = window.views["Tasking"]
    window.tabs.setCurrentWidget(tasking)
    qtbot.waitUntil(lambda: tasking.patp is not None)
    tasking.edits["objectives"].setPlainText("Reduce burglary by a tenth")            # typed, not saved yet
    act_as("jsmith")
    with open_store(session.location) as other:
        CreatePatp(Patp(reference="PATP/2025/0002", title="Robbery", author="jsmith", date="2025-03-02")).do(other)
    act_as("test.analyst")
    qtbot.waitUntil(lambda: "jsmith created a PATP" in window.statusBar().currentMessage(), timeout=5000)
    assert tasking.edits["objectives"].toPlainText() == "Reduce burglary by a tenth"
    assert "your unsaved changes to PATP/2025/0001 are kept" in tasking.message.text()
    assert tasking.table.rowCount() == 1
    assert tasking.save()
    assert tasking.table.rowCount() == 2 and tasking.patp.objectives == "Reduce burglary by a tenth"


def test_a_decision_made_by_another_process_reaches_the_series_view(window, qtbot):
    """Two Workbench processes on one store: the command line confirms a link, and the
    window's views and status bar show it (on SQLite, two processes on one file)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    heard = []
    window.session.changed.connect(lambda changed: heard.append(changed.kind) if changed.detail.get("remote") else None)
    done = subprocess.run([sys.executable, "-m", "workbench", "--db", window.session.location, "link", "confirm",
                           "R2", "R3", "--why", "same shoe mark"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: "confirmed a link — views updated" in window.statusBar().currentMessage(), timeout=5000)
    assert heard == ["links"]
    audit_view = window.views["Audit"]
    window.tabs.setCurrentWidget(audit_view)
    assert audit_view.table.item(0, 3).text() == "link.confirm"
