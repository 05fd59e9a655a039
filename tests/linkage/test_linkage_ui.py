"""The Series view opens, finds series in the background, draws a link chart, shows an
edge's reasons, and confirming a link from there is undoable; the suggest dialog lists
ranked candidates. The tests drive the view as an analyst does: set the form, click the
buttons and the chart."""

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPointF, Qt

from workbench.app.session import Session
from workbench.app.state import SeriesState
from workbench.linkage import service
from workbench.linkage.series import find_series
from workbench.store import linkage as db


@pytest.fixture
def session(small_store):
    s = Session(small_store.location)
    yield s
    s.close()


def find(qtbot, view, min_score: float = 0.3):
    """Set the lowest link score in the form, press Find series and wait for the list."""
    view.min_score.setValue(min_score)
    view.result = None
    qtbot.mouseClick(view.find_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)


def shown_view(qtbot, session):
    """The Series view, shown at a size where the chart's items can be clicked."""
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def click_chart(qtbot, chart, item, along=(0.5, 0.4, 0.6, 0.3, 0.7)) -> None:
    """Click ``item`` (an edge or node of the link chart) where no other item covers it:
    for an edge, at the first point along it that is its own."""
    if hasattr(item, "line"):
        line = item.line()
        points = [line.pointAt(t) for t in along]
    else:
        points = [item.rect().center()]
    for point in points:
        at = chart.mapFromScene(QPointF(point))
        if chart.itemAt(at) is item:
            qtbot.mouseClick(chart.viewport(), Qt.LeftButton, pos=at)
            return
    raise AssertionError("the item is covered everywhere")


def test_series_view_shows_chart_and_reasons(qtbot, session, monkeypatch, tmp_path):
    from workbench.ui.views import series_view

    view = shown_view(qtbot, session)
    selected = []
    session.selection_changed.connect(selected.append)
    assert not view.confirm_link.isEnabled()
    find(qtbot, view)
    assert view.state.min_score == 0.3 and view.result["min_score"] == 0.3
    assert view.table.rowCount() >= 1 and view.current is not None
    assert selected and selected[-1].origin == "series" and len(selected[-1].ids) >= 2
    assert view.chart.nodes and view.chart.edges
    (i, j), edge = next(iter(view.chart.edges.items()))
    click_chart(qtbot, view.chart, edge)
    assert view.edge == (i, j) and view.confirm_link.isEnabled()
    assert "probability of one offender" in view.reasons.toHtml()
    assert view.cca.rowCount() == view.current["size"]
    view.grab().save(str(tmp_path / "series.png"))
    monkeypatch.setattr(series_view.QInputDialog, "getText", staticmethod(lambda *a, **k: ("seen on CCTV", True)))
    qtbot.mouseClick(view.confirm_link, Qt.LeftButton)
    data = view.graph["data"]
    a, b = int(data.ids[i]), int(data.ids[j])
    assert db.get_decision(session.store, a, b)["why"] == "seen on CCTV"
    session.commands.undo()
    assert db.get_decision(session.store, a, b) is None


def test_deciding_a_link_someone_else_decided_meanwhile_says_so_and_shows_theirs(qtbot, session, monkeypatch,
                                                                                tmp_path):
    from acting import acting_as

    from workbench.linkage.decisions import DecideLink
    from workbench.store import open_store
    from workbench.ui.views import series_view

    view = shown_view(qtbot, session)
    find(qtbot, view)
    (i, j), edge = next(iter(view.chart.edges.items()))
    click_chart(qtbot, view.chart, edge)
    assert "Marked" not in view.reasons.toPlainText()
    data = view.graph["data"]
    a, b = sorted((int(data.ids[i]), int(data.ids[j])))
    refs = {int(data.ids[p]): str(data.refs[p]) for p in (i, j)}
    with open_store(session.location) as other, acting_as("jsmith"):     # another analyst, another connection
        DecideLink(a, b, "confirmed", why="same van", seen=0).do(other)
    warnings = []
    monkeypatch.setattr(series_view.QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    monkeypatch.setattr(series_view.QInputDialog, "getText", staticmethod(lambda *a, **k: ("alibi", True)))
    qtbot.mouseClick(view.reject_link, Qt.LeftButton)
    assert len(warnings) == 1 and warnings[0].startswith(f"offences {refs[a]} and {refs[b]} were marked 'confirmed' "
                                                         "by jsmith at ")
    assert warnings[0].endswith("your 'rejected' was not saved: look again and decide")
    assert db.get_decision(session.store, a, b)["user"] == "jsmith" and session.commands.undo_text is None
    assert view.decided[(a, b)]["decision"] == "confirmed" and view.edge is None     # reloaded: theirs
    click_chart(qtbot, view.chart, view.chart.edges[(i, j)])
    assert "Marked confirmed by jsmith at" in view.reasons.toPlainText() and ": same van." in view.reasons.toPlainText()
    view.grab().save(str(tmp_path / "series_conflict.png"))
    qtbot.mouseClick(view.reject_link, Qt.LeftButton)                  # having looked again, still rejected
    assert len(warnings) == 1
    assert db.get_decision(session.store, a, b) | {"at": None} == {
        "decision": "rejected", "why": "alibi", "user": "test.analyst", "at": None, "version": 2}


def test_suggest_dialog_lists_candidates(qtbot, session):
    from workbench.ui.linkage.suggest_dialog import open_suggest_dialog

    dialog = open_suggest_dialog(session, service.resolve(session.store, "B1"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    refs = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert set(refs) == {"B2", "B3", "B4", "B6"}
    assert dialog.reasons.toPlainText().startswith("B1")


def test_the_suggest_dialog_refuses_a_decision_made_meanwhile_and_lists_theirs(qtbot, session, monkeypatch):
    from acting import acting_as

    from workbench.linkage.decisions import DecideLink
    from workbench.store import open_store
    from workbench.ui.linkage import suggest_dialog

    dialog = suggest_dialog.open_suggest_dialog(session, service.resolve(session.store, "B1"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    chosen = dialog.result["candidates"][0]
    with open_store(session.location) as other, acting_as("jsmith"):
        DecideLink(dialog.offence_id, chosen["id"], "confirmed", why="same van", seen=0).do(other)
    warnings = []
    monkeypatch.setattr(suggest_dialog.QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    monkeypatch.setattr(suggest_dialog.QInputDialog, "getText", staticmethod(lambda *a, **k: ("alibi", True)))
    shown = dialog.result
    qtbot.mouseClick(dialog.reject_button, Qt.LeftButton)
    assert len(warnings) == 1 and "were marked 'confirmed' by jsmith at " in warnings[0]
    qtbot.waitUntil(lambda: dialog.result is not shown, timeout=20000)             # listed again, with theirs
    again = next(c for c in dialog.result["candidates"] if c["id"] == chosen["id"])
    assert again["decision"] == "confirmed" and dialog.seen[chosen["id"]] == 1
    assert db.get_decision(session.store, dialog.offence_id, chosen["id"])["user"] == "jsmith"


def test_confirming_a_candidate_then_removing_an_offence(qtbot, session, monkeypatch):
    from workbench.ui.views import series_view

    view = shown_view(qtbot, session)
    find(qtbot, view)
    candidate = view.current
    assert candidate["kind"] == "candidate" and view.confirm_series.isEnabled()
    monkeypatch.setattr(series_view.QInputDialog, "getText", staticmethod(lambda *a, **k: ("Op Sash", True)))
    qtbot.mouseClick(view.confirm_series, Qt.LeftButton)     # the new series refreshes the list
    assert db.list_series(session.store)[0]["name"] == "Op Sash"
    qtbot.waitUntil(lambda: view.result is not None and view.result["series"][0]["kind"] == "confirmed", timeout=20000)
    assert view.current["kind"] == "confirmed" and view.rename.isEnabled() and view.merge.isEnabled()
    assert not view.remove_offence.isEnabled()
    first = next(iter(view.chart.nodes))
    click_chart(qtbot, view.chart, view.chart.nodes[first])
    assert view.node == first and view.remove_offence.isEnabled()
    sid = int(view.current["id"].lstrip("S"))
    before = len(db.series_members(session.store, sid))
    qtbot.mouseClick(view.remove_offence, Qt.LeftButton)
    assert len(db.series_members(session.store, sid)) == before - 1
    qtbot.waitUntil(lambda: not view.job.running, timeout=20000)      # the list refreshes after a change
    session.commands.undo()
    assert len(db.series_members(session.store, sid)) == before
    qtbot.waitUntil(lambda: not view.job.running, timeout=20000)


def test_series_view_suspects_tab_ranks_offenders(qtbot, session):
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    find(qtbot, view)
    assert view.tabs.tabText(3) == "Suspects"
    panel = view.suspects
    assert panel.result is not None and panel.result["offence"] == view.current["offences"][-1]
    assert panel.table.rowCount() >= 1 and "one offender" in panel.reasons.toHtml()
    assert "at least 3 offences" in view.summary.text() or view.min_size.value() == 3


def test_offences_view_suspects_tab(qtbot, session):
    from workbench.ui.views import offences_view

    view = offences_view.create_view(session)
    qtbot.addWidget(view)
    view.side.setCurrentWidget(view.suspects)
    row = next(r for r in range(view.model.rowCount()) if view.model.offence_id(r) == service.resolve(session.store, "B6"))
    view.select_row(row)
    qtbot.waitUntil(lambda: view.suspects.result is not None, timeout=10000)
    assert view.suspects.table.item(0, 0).text() == "O1"


def test_series_common_mo_is_never_cut_off_without_a_way_to_read_it(qtbot, session):
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(900, 600)
    find(qtbot, view)
    assert view.table.horizontalHeaderItem(6).toolTip()
    for row, s in enumerate(view.result["series"]):
        mo = series_view.common_mo(s)
        assert view.table.item(row, 6).text() == mo
        assert view.table.item(row, 6).toolTip().replace("\n", "; ") == mo or (not mo and view.table.item(row, 6).toolTip())
    with_mo = next((r for r, s in enumerate(view.result["series"]) if s["common_mo"]), None)
    assert with_mo is not None
    view.table.selectRow(with_mo)
    shown = view.reasons.toPlainText()
    assert "Common MO: " + series_view.common_mo(view.result["series"][with_mo]) in shown


def test_the_form_is_the_series_state(qtbot, session):
    """The form shows the state's defaults; the crime group, score, size and the coarse
    records box write to it, and Find series runs what the state holds."""
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.show()
    assert view.state == SeriesState()
    assert (view.group.currentData(), view.min_score.value(), view.min_size.value(), view.include_coarse.isChecked()) \
        == ("burglary", SeriesState.min_score, SeriesState.min_size, False)
    view.group.setCurrentIndex(view.group.findData(None))
    view.min_size.setValue(2)
    qtbot.mouseClick(view.include_coarse, Qt.LeftButton)
    assert view.state == SeriesState(category=None, min_size=2, include_coarse=True)
    find(qtbot, view, 0.4)
    assert (view.result["min_size"], view.result["min_score"]) == (2, 0.4)
    assert all(s["size"] >= 2 for s in view.result["series"])


def test_one_source_of_series_defaults():
    """``link series`` with no options, the series service and the view's state agree."""
    import inspect

    from workbench.cli import build_parser

    args = build_parser().parse_args(["link", "series"])
    service_defaults = {n: p.default for n, p in inspect.signature(service.series).parameters.items()}
    state = SeriesState()
    arguments = state.series_arguments()
    for name in ("min_score", "min_size", "max_size", "include_coarse"):
        assert getattr(args, name) == service_defaults[name] == arguments[name], name
    assert inspect.signature(find_series).parameters["min_score"].default == state.min_score
    assert args.category is None and arguments["categories"] == ["burglary"]   # the view opens on burglary
