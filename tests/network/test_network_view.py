"""The Network view draws the chart around an entity, fills the measures table, expands
from a selection, hides entities and shares selections."""

import pytest

pytest.importorskip("PySide6")

from handmade_network import load
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from workbench.app.session import Session
from workbench.app.state import NetworkState
from workbench.store import open_store


@pytest.fixture
def session(tmp_path):
    store = open_store(tmp_path / "s.sqlite")
    load(store, tmp_path)
    store.close()
    s = Session(tmp_path / "s.sqlite")
    yield s
    s.close()


def test_network_view_draws_expands_and_shares(qtbot, session):
    from workbench.ui.views import network_view

    view = network_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 750)
    view.show()
    assert view.state == NetworkState()
    view.steps.setValue(1)
    view.entity.setText("P1")
    qtbot.mouseClick(view.expand_entity_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.result is not None, timeout=15000)
    assert view.state == NetworkState(entity="P1", steps=1) and view.result["steps"] == 1
    assert set(view.chart.entities) == {"person:P1", "offence:1", "intel:1"}
    assert len(view.chart.links) == 3 and view.table.rowCount() == 3

    selected = []
    session.selection_changed.connect(selected.append)
    view.chart.select(["offence:1"])
    assert selected[-1].kind == "offence" and selected[-1].ids == (1,) and selected[-1].origin == "network"
    assert view.events.rowCount() == 1 and "B/1" in view.events.item(0, 1).text()
    view.chart.select(["person:P1"])
    assert [view.events.item(r, 1).text() for r in range(view.events.rowCount())] == [
        "Offence B/1", "Intelligence report I/1"]
    view.chart.select(["offence:1"])

    first = view.result
    qtbot.mouseClick(view.expand_button, Qt.LeftButton)         # one more step from the offence
    qtbot.waitUntil(lambda: view.result is not first, timeout=15000)
    assert "person:P2" in view.chart.entities and "intel:1" in view.chart.entities

    # Dragging an entity drags its links.
    item = view.chart.entities["person:P2"]
    link = item.links[0]
    item.setPos(item.pos().x() + 50, item.pos().y())
    assert item.pos() in (link.line().p1(), link.line().p2())

    view.chart.hide_nodes(["person:P2"])
    assert "person:P2" not in view.chart.entities and all(link.scene() for link in view.chart.links)

    session.select("person", ["P1"], origin="offences")
    assert view.chart.selected() == ["person:P1"]

    view.steps.setValue(2)
    view.entity.setText("AB12 CDE")
    before = view.result
    qtbot.keyClick(view.entity, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.result is not before, timeout=15000)
    view.grab().save("/tmp/network_view.png")
    assert view.table.item(0, 0).text()


def wheel_in(chart, steps: int) -> None:
    """Turn the mouse wheel forward ``steps`` notches over the chart."""
    centre = QPointF(chart.viewport().rect().center())
    for _ in range(steps):
        QApplication.sendEvent(chart.viewport(), QWheelEvent(
            centre, chart.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.NoButton,
            Qt.NoModifier, Qt.NoScrollPhase, False))


def test_chart_has_a_legend_icons_readable_labels_and_layouts(qtbot, session):
    from workbench.ui.network.chart import LABEL_ZOOM
    from workbench.ui.views import network_view

    assert network_view._count(28, "address") == "28 addresses"
    assert network_view._count(2, "intel") == "2 intelligence reports"
    assert network_view._count(1, "person") == "1 person"
    view = network_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 750)
    view.show()
    view.steps.setValue(3)
    view.entity.setText("P1")
    qtbot.mouseClick(view.expand_entity_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.result is not None, timeout=15000)
    chart = view.chart
    kinds = {view.result["graph"].nodes[n]["kind"] for n in chart.entities}
    assert chart.legend.isVisible() and set(chart.legend.kinds) == kinds
    entity = next(iter(chart.entities.values()))
    assert entity.label.font().family() == QApplication.font().family()
    rects = [e.label_rect() for e in chart.entities.values()]
    overlaps = sum(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert overlaps == 0

    first = dict(view.result["positions"])
    view.layout_choice.setCurrentIndex(view.layout_choice.findData("hierarchy"))
    assert view.state.layout == "hierarchy" and view.result["positions"] != first
    top = max(y for _, y in view.result["positions"].values())
    assert view.result["positions"][view.result["seeds"][0]][1] == top
    qtbot.wait(50)
    view.grab().save("/tmp/network_hierarchy.png")

    chart.many_links = True                      # a large chart: link labels wait for zoom or selection
    chart.select([view.result["seeds"][0]])
    assert any(link.text.isVisible() for link in chart.links if link.text is not None)
    chart.scene().clearSelection()
    assert not any(link.text.isVisible() for link in chart.links if link.text is not None)
    wheel_in(chart, 40)
    assert chart.transform().m11() >= LABEL_ZOOM
    assert all(link.text.isVisible() for link in chart.links if link.text is not None)


def test_one_source_of_network_defaults():
    """The network commands, the expand function, the layout function and the view's state
    follow the same number of links and draw the same layout by default."""
    import inspect

    from workbench.cli import build_parser
    from workbench.network.graph import expand
    from workbench.network.layout import positions

    state = NetworkState()
    parser = build_parser()
    assert parser.parse_args(["network", "expand", "P1"]).steps == state.steps
    assert parser.parse_args(["network", "measures"]).steps == state.steps
    assert inspect.signature(expand).parameters["steps"].default == state.steps
    assert inspect.signature(positions).parameters["layout"].default == state.layout
