"""The Assessments and insight panel: a tactical assessment built in the background, its
QA from the panel (undoable), the register's search, and the insight tables."""

import pytest

pytest.importorskip("PySide6")

from acting import acting_as, grant
from handmade import make_borough
from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.app.state import ProductsState
from workbench.store import open_store


@pytest.fixture
def session(new_store):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    s = Session(db)
    yield s
    s.close()


def test_assessment_qa_search_and_insight(qtbot, session, tmp_path):
    from workbench.ui.views import tasking_view

    view = tasking_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 850)
    view.show()
    panel = view.products
    view.tabs.setCurrentWidget(panel)
    panel.new_assessment("tactical", "2025-03-01", "2025-03-13", str(tmp_path / "ta"))
    qtbot.waitUntil(lambda: len(panel.last_files) == 2, timeout=120000)
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "TA/2025/0001"
    assert "DRAFT until approved" in panel.message.text()
    assert panel.transition("submit", 0)
    assert not panel.transition("approve", 0)                         # the author may not approve
    assert "different (Higher) Analyst" in panel.message.text()
    grant(session.store, "h.analyst")
    with acting_as("h.analyst"):
        assert panel.transition("approve", 0)
    assert panel.table.item(0, 5).text() == "approved by a Higher Analyst"
    session.commands.undo()                                            # undo the approval
    assert panel.table.item(0, 5).text() == "submitted for QA"
    panel.text.setText("S-NORTH-1")
    qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    assert panel.table.rowCount() == 1 and panel.state.text == "S-NORTH-1"
    panel.status.setCurrentIndex(panel.status.findData("approved"))
    qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    assert panel.table.rowCount() == 0 and panel.state.status == "approved"     # it is submitted again
    panel.status.setCurrentIndex(0)
    panel.text.setText("no such words")
    qtbot.keyClick(panel.text, Qt.Key_Return)
    assert panel.table.rowCount() == 0 and panel.state == ProductsState(
        text="no such words", insight_from=panel.state.insight_from, insight_to=panel.state.insight_to)
    panel.insight_from.setText("2025-01-01")
    panel.insight_to.setText("2025-12-31")
    qtbot.mouseClick(panel.measure_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.insight is not None, timeout=60000)
    assert (panel.state.insight_from, panel.state.insight_to) == ("2025-01-01", "2025-12-31")
    assert panel.insight.taskings == [] and panel.by_tactic.rowCount() == 0
    view.grab().save("/tmp/products_panel.png")


def test_one_source_of_register_search_defaults():
    """``products search`` with no options and the panel's state list every product."""
    import inspect

    from workbench.cli import build_parser
    from workbench.tasking.products import search_products

    args = build_parser().parse_args(["products", "search"])
    core = {n: p.default for n, p in inspect.signature(search_products).parameters.items()}
    arguments = ProductsState().search_arguments()
    assert (args.text, args.author, args.status) == (core["text"], core["author"], core["status"]) == \
        (arguments["text"], arguments["author"], arguments["status"])
