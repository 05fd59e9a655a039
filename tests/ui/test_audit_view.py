"""The Audit view lists entries (newest first, filtered by action) and its Verify button
shows whether the chain holds, also after someone edits the log with the sqlite3 module."""

import sqlite3

import pytest
from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.domain.audit import AuditAction
from workbench.events import Changed


@pytest.fixture
def session(tmp_path):
    session = Session(tmp_path / "s.sqlite")
    for n in range(3):
        session.store.audit(AuditAction.EXPORT_INTEL, "intel_export", f"f{n}.csv", {"reports": n})
    session.store.audit(AuditAction.PATP_APPROVE, "patp", 4, {"reference": "PATP/2025/0004"})
    yield session
    session.close()


def verify_by_clicking(qtbot, view):
    view.result = None
    qtbot.mouseClick(view.verify_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.result is not None, timeout=10000)
    return view.result


def test_the_view_lists_entries_and_verifies_the_chain(qtbot, session, tmp_path):
    from workbench.ui.views import audit_view

    view = audit_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1100, 500)
    view.show()
    assert view.table.rowCount() == 4
    assert [view.table.item(0, c).text() for c in (0, 2, 3)] == ["4", "test.analyst", "patp.approve"]
    assert "4 of 4 entries" in view.shown.text()
    view.action.setCurrentIndex(view.action.findData("export.intel"))
    assert view.table.rowCount() == 3 and view.state.audit_action() == AuditAction.EXPORT_INTEL
    assert verify_by_clicking(qtbot, view) == {"entries": 4, "ok": True, "first_bad": None}
    assert "intact" in view.verdict.text()
    view.grab().save(str(tmp_path / "audit_ok.png"))

    conn = sqlite3.connect(session.location)
    conn.executescript("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user = 'x' WHERE id = 2;")
    conn.close()
    assert verify_by_clicking(qtbot, view)["first_bad"] == 2
    assert "tampered" in view.verdict.text() and "#2" in view.verdict.text()


def test_the_main_window_has_an_audit_tab_that_follows_new_entries(qtbot, session):
    from workbench.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.identity.text() == "  Acting as <b>test.analyst</b> (admin)"     # the store's creator
    view = window.views["Audit"]
    window.tabs.setCurrentWidget(view)
    session.store.set_setting("security_marking", "OFFICIAL")
    session.notify(Changed("setting", (), {}))
    assert view.table.item(0, 3).text() == "setting.change"


def test_one_source_of_audit_filter_defaults():
    """``audit show`` with no options and the Audit view's state show every action."""
    from workbench.app.state import AuditState
    from workbench.cli import build_parser

    assert build_parser().parse_args(["audit", "show"]).action is None
    assert AuditState().audit_action() is None
