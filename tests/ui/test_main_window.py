"""The main window opens on a store, shows offences on demand, filters, shares selections
and imports in the background with a reject report."""

import pytest
from PySide6.QtCore import Qt

from workbench.app.session import Session
from workbench.app.state import ImportState
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
    assert (view.state.category, view.state.borough) == ("robbery-personal", "Islington")


def test_the_filter_bar_is_the_offences_state(window, qtbot):
    """Dates ("any" by default), text and the filter the table lists come from the state."""
    from datetime import date

    from PySide6.QtCore import QDate

    from workbench.app.state import OffencesState

    view = window.views["Offences"]
    assert view.state == OffencesState() and view.date_from.text() == "any"
    view.date_from.setDate(QDate(2025, 3, 10))
    view.date_to.setDate(QDate(2025, 3, 11))
    qtbot.waitUntil(lambda: view.model.rowCount() == 44)           # 22 offences a day on days 10 and 11
    assert (view.state.date_from, view.state.date_to) == (date(2025, 3, 10), date(2025, 3, 11))
    view.text.setText(" R001 ")
    qtbot.waitUntil(lambda: view.model.rowCount() < 44)
    assert view.state.text == " R001 " and view.current_filter().text == "R001"
    assert all(view.model.index(r, 0).data().startswith("R001") for r in range(view.model.rowCount()))
    view.date_from.setDate(view.date_from.minimumDate())
    view.date_to.setDate(view.date_to.minimumDate())
    view.text.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 600)
    assert view.state == OffencesState()


def test_one_source_of_offence_filter_defaults():
    """``search save NAME`` (offences) filters on nothing by default, as the Offences table."""
    from workbench.app.state import OffencesState
    from workbench.cli import build_parser
    from workbench.store.offences import OffenceFilter

    args = build_parser().parse_args(["search", "save", "everything"])
    assert (args.kind, args.category, args.borough, args.date_from, args.date_to, args.search_text) == \
        ("offences", None, None, None, None, None)
    assert OffencesState().offence_filter() == OffenceFilter()


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
    assert dialog.state == ImportState() and not dialog.layer.isEnabled()
    dialog.files.setText(str(bad))
    dialog.source.setText("CRIS")
    assert dialog.state.paths() == [str(bad)] and dialog.state.options() == {"source": "CRIS"}
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert dialog.rejects.rowCount() == 1
    assert dialog.rejects.item(0, 1).text() == "3"
    assert "Imported 1 offence</b>" in dialog.summary.text()
    qtbot.waitUntil(lambda: "601 offences" in window.counts.text())
    assert window.views["Offences"].model.rowCount() == 601


def test_suggest_links_has_a_button_and_a_shortcut(window, qtbot):
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


def test_the_import_dialog_is_the_import_state_and_shares_the_commands_defaults(window):
    """Choosing boundaries offers the layer and level (detected by default, as the command);
    the source system is left to the importer's default, as ``import offences`` does."""
    from workbench.cli import build_parser

    dialog = window.open_import("boundaries")
    assert dialog.state.kind == "boundaries" and dialog.layer.isEnabled() and not dialog.source.isEnabled()
    args = build_parser().parse_args(["import", "boundaries", "b.gpkg"])
    assert dialog.state.options() == {"layer": args.layer, "level": args.level} == {"layer": None, "level": None}
    dialog.level.setCurrentIndex(dialog.level.findData("ward"))
    assert dialog.state.options()["level"] == "ward"
    dialog.kind.setCurrentIndex(dialog.kind.findData("offences"))
    assert dialog.source.isEnabled() and not dialog.layer.isEnabled()
    assert dialog.state.options() == {"source": build_parser().parse_args(["import", "offences", "o.csv"]).source}
    dialog.close()
