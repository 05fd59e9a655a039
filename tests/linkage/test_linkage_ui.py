"""The Series view opens, finds series in the background, draws a link chart, shows an
edge's reasons, and confirming a link from there is undoable; the suggest dialog lists
ranked candidates."""

import pytest

pytest.importorskip("PySide6")

from workbench.app.session import Session
from workbench.linkage import service
from workbench.store import linkage as db


@pytest.fixture
def session(small_store):
    s = Session(small_store.path)
    yield s
    s.close()


def test_series_view_shows_chart_and_reasons(qtbot, session, monkeypatch, tmp_path):
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    selected = []
    session.selection_changed.connect(selected.append)
    view.min_score.setValue(0.3)
    view.find_series()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
    assert view.table.rowCount() >= 1 and view.current is not None
    assert selected and selected[-1].origin == "series" and len(selected[-1].ids) >= 2
    assert view.chart.nodes and view.chart.edges
    (i, j), _edge = next(iter(view.chart.edges.items()))
    view.chart._clicked((i, j))
    assert "probability of one offender" in view.reasons.toHtml()
    assert view.cca.rowCount() == view.current["size"]
    view.grab().save(str(tmp_path / "series.png"))
    monkeypatch.setattr(series_view.QInputDialog, "getText", staticmethod(lambda *a, **k: ("seen on CCTV", True)))
    view._decide("confirmed")
    data = view.graph["data"]
    a, b = int(data.ids[i]), int(data.ids[j])
    assert db.get_decision(session.store, a, b)["why"] == "seen on CCTV"
    session.commands.undo()
    assert db.get_decision(session.store, a, b) is None


def test_suggest_dialog_lists_candidates(qtbot, session):
    from workbench.ui.linkage.suggest_dialog import open_suggest_dialog

    dialog = open_suggest_dialog(session, service.resolve(session.store, "B1"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    refs = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert set(refs) == {"B2", "B3", "B4", "B6"}
    assert dialog.reasons.toPlainText().startswith("B1")


def test_confirming_a_candidate_then_removing_an_offence(qtbot, session, monkeypatch):
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.min_score.setValue(0.3)
    view.find_series()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
    candidate = view.current
    assert candidate["kind"] == "candidate" and view.confirm_series.isEnabled()
    monkeypatch.setattr(series_view.QInputDialog, "getText", staticmethod(lambda *a, **k: ("Op Sash", True)))
    view.result = None
    view._confirm_series()
    assert db.list_series(session.store)[0]["name"] == "Op Sash"
    view.find_series()
    qtbot.waitUntil(lambda: view.result is not None and view.result["series"][0]["kind"] == "confirmed", timeout=20000)
    assert view.current["kind"] == "confirmed" and view.rename.isEnabled() and view.merge.isEnabled()
    first = next(iter(view.chart.nodes))
    view.chart._node_clicked(first)
    assert view.remove_offence.isEnabled()
    sid = int(view.current["id"].lstrip("S"))
    before = len(db.series_members(session.store, sid))
    view._remove_offence()
    assert len(db.series_members(session.store, sid)) == before - 1
    qtbot.waitUntil(lambda: not view.job.running, timeout=20000)      # the list refreshes after a change
    session.commands.undo()
    assert len(db.series_members(session.store, sid)) == before
    qtbot.waitUntil(lambda: not view.job.running, timeout=20000)


def test_series_view_suspects_tab_ranks_offenders(qtbot, session):
    from workbench.ui.views import series_view

    view = series_view.create_view(session)
    qtbot.addWidget(view)
    view.min_score.setValue(0.3)
    view.find_series()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
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
    view.min_score.setValue(0.3)
    view.find_series()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
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
