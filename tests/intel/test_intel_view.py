"""The Intelligence view lists reports with grading badges, searches, highlights the
entities in a report's text and shares selections."""

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.app.state import IntelState
from workbench.intel.importer import import_intel
from workbench.store import open_store

INTEL = """intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,text
I/1,2025-03-01,3x5x2,1,A,P,,O17,O17 drives AB12 CDE and uses 07700 900123 near SW1A 1AA
I/2,2025-03-02,5x5x5,D,5,4,,,Unreliable report of a red van
I/3,2025-03-03,3x5x2,2,C,C,Not for the subject's school,P9,P9 was seen with O17
"""


@pytest.fixture
def session(tmp_path, new_store):
    location = new_store()
    store = open_store(location)
    (tmp_path / "i.csv").write_text(INTEL)
    import_intel(store, tmp_path / "i.csv")
    store.close()
    s = Session(location)
    yield s
    s.close()


def test_intel_view_lists_searches_and_highlights(qtbot, session):
    from workbench.ui.views import intel_view

    view = intel_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    qtbot.waitUntil(lambda: view.reports is not None and view.table.rowCount() == 3, timeout=10000)
    badges = {view.table.item(r, 1).text(): view.table.item(r, 0) for r in range(3)}
    assert badges["I/1"].text() == "1A P" and badges["I/2"].text() == "D5 4"
    assert badges["I/1"].background().color().name() != badges["I/2"].background().color().name()

    selected = []
    session.selection_changed.connect(selected.append)
    row = next(r for r in range(3) if view.table.item(r, 1).text() == "I/1")
    view.table.selectRow(row)
    page = view.pane.toHtml()
    for value in ("AB12 CDE", "07700 900123", "SW1A 1AA", "O17"):
        assert value in page
    assert page.count("background-color:") >= 4          # each entity is highlighted
    assert selected[-1].kind == "intel" and selected[-1].origin == "intel"
    view.grab().save("/tmp/intel_view.png")

    view.reports = None
    view.search.setText("red van")
    qtbot.mouseClick(view.search_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.reports is not None, timeout=10000)
    assert [r["intel_ref"] for r in view.reports] == ["I/2"] and view.state.query == "red van"

    view.reports = None
    view.search.setText("")
    session.select("person", ["P9"], origin="network")
    qtbot.waitUntil(lambda: view.reports is not None, timeout=10000)
    assert [r["intel_ref"] for r in view.reports] == ["I/3"] and view.clear_person.isVisibleTo(view)
    assert view.state == IntelState(person="P9")

    view.reports = None
    qtbot.mouseClick(view.clear_person, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.reports is not None, timeout=10000)
    assert len(view.reports) == 3 and view.state.person is None and not view.clear_person.isVisibleTo(view)

    view.reports = None
    view.grading.setCurrentIndex(view.grading.findData("5x5x5"))       # a new grading searches at once
    qtbot.waitUntil(lambda: view.reports is not None, timeout=10000)
    assert [r["intel_ref"] for r in view.reports] == ["I/2"] and view.state.grading == "5x5x5"


def test_a_new_search_shows_its_first_report_and_highlights_matches(qtbot, session):
    from PySide6.QtTest import QTest

    from workbench.ui.views import intel_view

    view = intel_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    qtbot.waitUntil(lambda: view.reports is not None and view.table.rowCount() == 3, timeout=10000)
    first = view.table.item(0, 1).text()
    view.search.setText("van")
    view.reports = None
    QTest.keyClick(view.search, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.reports is not None, timeout=10000)
    assert [r["intel_ref"] for r in view.reports] == ["I/2"] != [first]
    assert "I/2" in view.pane.toPlainText()          # the pane follows the new first row
    cell = view.table.item(0, len(intel_view.COLUMNS) - 1)
    assert "[" not in cell.text() and "van" in cell.text()
    assert '<span style="background-color:#ffe066; color:#000; font-weight:bold">van</span>' in cell.data(intel_view.SNIPPET_HTML)
    view.grab().save("/tmp/intel_search.png")


def test_one_source_of_intelligence_search_defaults():
    """``intel search`` with no options and the view's state search for everything."""
    from workbench.cli import build_parser

    args = build_parser().parse_args(["intel", "search"])
    arguments = IntelState().search_arguments()
    assert (args.query, args.grading, args.entity) == (arguments["text"], arguments["grading"], arguments["entity"])
    assert arguments == {"text": None, "grading": None, "entity": None}
