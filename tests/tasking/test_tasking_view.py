"""The Tasking view: lists PATPs, refuses submission with fields missing, runs the QA and
TTCG steps, and exports the pack in the background."""

from datetime import date
from pathlib import Path

import pytest
from acting import grant

pytest.importorskip("PySide6")

from handmade import SERIES_REF, make_borough

from workbench.app.session import Session
from workbench.store import open_store
from workbench.store import tasking as db
from workbench.tasking.meetings import CreateMeeting


@pytest.fixture
def session(new_store):
    db = new_store("s")
    store = open_store(db)
    make_borough(store)
    CreateMeeting("2025-03-20", borough="Testborough", chair="Supt Jones").do(store)
    store.close()
    s = Session(db)
    yield s
    s.close()


def test_tasking_view_workflow_and_export(qtbot, session, tmp_path, act_as):
    from workbench.ui.views import tasking_view

    view = tasking_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    view.new_from_series(SERIES_REF)                         # drafted off the UI thread
    qtbot.waitUntil(lambda: view.patp is not None, timeout=60000)
    assert view.table.rowCount() == 1 and view.patp.status == "draft"
    assert view.edits["problem_summary"].toPlainText().startswith("8 offences")
    assert "owner" in view.missing.text()                    # validation shown before submission
    assert not view.transition("submit", comment="ready")    # refused: owner missing
    assert "owner" in view.message.text() and view.patp.status == "draft"

    view.edits["owner"].setText("DI Smith")
    assert view.transition("submit", comment="ready")
    assert view.patp.status == "submitted" and view.edits["problem_summary"].isReadOnly()
    assert view.buttons["approve"].isEnabled() and not view.buttons["submit"].isEnabled()
    assert not view.transition("approve", comment="ok")      # the author cannot approve
    assert "different (Higher) Analyst" in view.message.text()
    grant(session.store, "h.analyst")
    act_as("h.analyst")
    assert view.transition("approve", comment="Sound analysis")
    meeting = db.list_meetings(session.store)[0]["id"]
    assert view.transition("schedule", meeting_id=meeting)
    assert view.transition("decide", decision="accepted", comment="Series still active")
    assert view.patp.status == "accepted"
    assert "accepted by the TTCG" in view.table.item(0, 1).text()
    assert "decide" in view.history.toPlainText()
    view.show_results()
    qtbot.waitUntil(lambda: view.last_results is not None, timeout=60000)
    assert "WDQ" in view.results.text() and "Tasked area" in view.results.text()
    view.grab().save("/tmp/tasking_view.png")

    view.export_pack(str(tmp_path / "pack"))
    qtbot.waitUntil(lambda: len(view.last_files) == 2, timeout=60000)
    assert sorted(Path(f).suffix for f in view.last_files) == [".docx", ".pdf"]
    assert "Pack written" in view.message.text()

    view.export_return("Testborough", date(2025, 1, 1), date(2025, 3, 31), str(tmp_path / "r.json"))
    qtbot.waitUntil(lambda: view.last_return is not None, timeout=60000)
    assert view.last_return["series"] == 1 and (tmp_path / "r.json").exists()
    assert "1 series" in view.message.text()


def test_the_queue_lists_the_patps_of_its_statuses(qtbot, session):
    """Choosing a queue writes the list's state and lists only the PATPs in its statuses."""
    from workbench.app.state import PatpListState
    from workbench.cli import build_parser
    from workbench.ui.views import tasking_view

    view = tasking_view.create_view(session)
    qtbot.addWidget(view)
    view.new_from_series(SERIES_REF)
    qtbot.waitUntil(lambda: view.patp is not None, timeout=60000)
    assert view.state == PatpListState() and view.table.rowCount() == 1
    view.filter.setCurrentIndex(view.filter.findData("qa"))
    assert view.state.statuses() == ["submitted"] and view.table.rowCount() == 0
    view.filter.setCurrentIndex(view.filter.findData("drafts"))
    assert view.table.rowCount() == 1 and "draft" in view.table.item(0, 1).text().lower()
    assert build_parser().parse_args(["patp", "list"]).status is None and PatpListState().statuses() is None


def test_saving_a_patp_someone_else_saved_meanwhile_says_so_and_shows_theirs(qtbot, session):
    from acting import acting_as

    from workbench.app.watcher import StoreWatcher
    from workbench.tasking.editing import EditPatp
    from workbench.ui.views import tasking_view

    view = tasking_view.create_view(session)
    qtbot.addWidget(view)
    view.new_from_series(SERIES_REF)
    qtbot.waitUntil(lambda: view.patp is not None, timeout=60000)
    shown = view.patp
    watcher = StoreWatcher(session)                             # as the window polls every few seconds
    view.edits["owner"].setText("DI Smith")                     # typed, not yet saved
    with open_store(session.location) as other, acting_as("jsmith"):   # another analyst, another connection
        EditPatp(shown.id, {"owner": "DI Khan", "objectives": "Arrest"}, seen=shown.version).do(other)
    assert watcher.poll() and view.edits["owner"].text() == "DI Smith"       # their change wipes nothing typed
    assert view.message.text().startswith(f"jsmith changed tasking: your unsaved changes to {shown.reference} are kept")
    assert not view.save()
    assert view.message.text().startswith(f"{shown.reference} was edited (objectives, owner) by jsmith at ")
    assert view.message.text().endswith("your edit of owner was not saved: look again and edit")
    assert view.edits["owner"].text() == "DI Khan" and view.patp.version == shown.version + 1   # reloaded: theirs
    view.grab().save("/tmp/tasking_conflict.png")
    view.edits["owner"].setText("DI Smith")                     # having looked again, the analyst decides
    assert view.save() and view.patp.owner == "DI Smith" and view.patp.version == shown.version + 2


def test_meetings_panel_agenda_decision_and_overdue_actions(qtbot, session, tmp_path):
    from workbench.ui.views import tasking_view

    view = tasking_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    panel = view.meetings
    view.tabs.setCurrentWidget(panel)
    assert panel.meeting is not None and panel.agenda.rowCount() == len(panel.meeting["agenda"]) > 0
    assert panel.decide(1, "noted", "Patrols already tasked")
    assert panel.agenda.item(0, 3).text() == "noted: Patrols already tasked"
    assert not panel.add_action("Visit the pawnbrokers", "PC Green", "2025-03-01")   # before today: refused
    assert "before today" in panel.message.text()
    assert panel.add_action("Visit the pawnbrokers", "PC Green", "2025-03-01", force=True)   # past: overdue
    assert panel.add_action("Leaflet drop", "PCSO Khan", "2999-01-01")
    assert not panel.add_action("No owner", "", "2025-03-01")
    assert panel.actions.rowCount() == 2
    assert panel.actions.item(0, 3).text() == "open (overdue)"
    assert panel.actions.item(0, 0).background().color().name() == "#fde9c8"
    assert panel.actions.item(1, 0).background().color().name() != "#fde9c8"
    assert panel.set_status(0, "done", "Visited all three")          # closed: no longer overdue
    assert panel.actions.item(0, 3).text() == "done"
    session.commands.undo()                                          # undoable from the Edit menu
    assert panel.actions.item(0, 3).text() == "open (overdue)"
    view.grab().save("/tmp/tasking_meetings.png")
    panel.export_pack(str(tmp_path / "m"))
    qtbot.waitUntil(lambda: len(panel.last_files) == 2, timeout=60000)
