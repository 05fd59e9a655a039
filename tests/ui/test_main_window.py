"""The main window opens on a store, shows offences on demand, filters, shares selections
and imports in the background with a reject report."""

import pytest

from workbench.app.session import Session
from workbench.ingest.offences_csv import import_offences
from workbench.ui.main_window import MainWindow
from workbench.ui.offence_model import COLUMNS

ROWS = "\n".join(f"R{i:04d},{'burglary-residential' if i % 2 else 'robbery-personal'},2025-03-{1 + i % 28:02d}T12:00,"
                 f"{530000 + i},{180000 + i},{'Camden' if i % 3 else 'Islington'}" for i in range(600))


@pytest.fixture
def window(qtbot, tmp_path):
    csv = tmp_path / "o.csv"
    csv.write_text("offence_ref,category,committed_from,easting,northing,borough\n" + ROWS + "\n")
    session = Session(tmp_path / "s.sqlite")
    import_offences(session.store, csv)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    yield win
    session.close()


def test_changing_filter_updates_table_and_status_shows_counts(window, qtbot):
    view = window.views["Offences"]
    assert view.model.rowCount() == 600
    assert "600 offences" in window.counts.text()
    assert window.banner.text() == "OFFICIAL-SENSITIVE"
    view.category.setCurrentIndex(view.category.findData("robbery-personal"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 300)
    view.borough.setCurrentIndex(view.borough.findData("Islington"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 100)
    first = view.model.index(0, 0).data()
    assert first.startswith("R") and int(first[1:]) % 3 == 0 and int(first[1:]) % 2 == 0


def test_rows_are_fetched_lazily_and_detail_pane_shows_selection(window):
    view = window.views["Offences"]
    assert view.model._pages == {} or len(view.model._pages) <= 3     # only visible pages fetched
    view.select_row(0)
    assert view.model.index(0, 0).data() in view.detail.toPlainText()


def test_selection_from_another_view_narrows_the_table(window, qtbot):
    view = window.views["Offences"]
    ids = [int(i) for i in view.model.ids[:5]]
    window.session.select("offence", ids, origin="map")
    assert view.model.rowCount() == 5
    assert "selected in map" in view.selection_note.text()
    view.clear_selection.click()
    assert view.model.rowCount() == 600


def test_import_dialog_runs_in_background_and_lists_rejects(window, qtbot, tmp_path):
    bad = tmp_path / "more.csv"
    bad.write_text("offence_ref,category,committed_from,easting,northing\nN1,robbery,2025-04-01,530000,180000\n"
                   "N2,robbery,yesterday,530000,180000\n")
    dialog = window.open_import("offences")
    dialog.files.setText(str(bad))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert dialog.rejects.rowCount() == 1
    assert dialog.rejects.item(0, 1).text() == "3"
    assert "Imported 1 offence</b>" in dialog.summary.text()
    qtbot.waitUntil(lambda: "601 offences" in window.counts.text())
    assert window.views["Offences"].model.rowCount() == 601


def test_suggest_links_has_a_button_and_a_shortcut(window, qtbot):
    from PySide6.QtCore import Qt

    from workbench.ui.linkage.suggest_dialog import SuggestDialog

    view = window.views["Offences"]
    window.tabs.setCurrentWidget(view)
    assert not view.suggest.isEnabled()
    assert view.suggest.shortcut().toString() == "Ctrl+L"
    view.select_row(0)
    assert view.suggest.isEnabled()
    qtbot.mouseClick(view.suggest, Qt.LeftButton)
    dialogs = view.findChildren(SuggestDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()


def test_ward_and_status_columns_fit_their_values(window):
    view = window.views["Offences"]
    metrics = view.table.fontMetrics()
    names = [name for name, _ in COLUMNS]
    assert view.table.columnWidth(names.index("ward")) > metrics.horizontalAdvance("Camden Town with Primrose Hill")
    assert view.table.columnWidth(names.index("status")) > metrics.horizontalAdvance("unsolved")
