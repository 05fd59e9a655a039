"""The offences table: filter by category, dates, borough and text; sort; detail pane.

Rows are fetched on demand (see :mod:`workbench.ui.offence_model`). Selections made in
other views (map, series, scan) arrive through ``session.selection_changed`` and narrow
the table to those offences until the analyst clears them.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Selection, Session
from workbench.app.state import OffencesState
from workbench.domain import categories as cats
from workbench.events import Changed
from workbench.store.offences import OffenceFilter, offence_boroughs, offence_detail
from workbench.ui.binding import bind
from workbench.ui.detail import offence_html
from workbench.ui.linkage.suggest_dialog import open_suggest_dialog
from workbench.ui.linkage.suspects_panel import SuspectsPanel
from workbench.ui.offence_model import COLUMNS, SAMPLES, OffenceTableModel

TITLE = "Offences"
ORDER = 10
NO_DATE = QDate(1900, 1, 1)
COLUMN_NAMES = [name for name, _ in COLUMNS]


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("any")
    edit.setDate(NO_DATE)
    return edit


class OffencesView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.selected_ids: tuple | None = None
        self.setObjectName("offencesView")
        self.state = OffencesState()

        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.addItem("All categories", None)
        for coarse in cats.COARSE:
            self.category.addItem(cats.LABELS[coarse] + " (all)", coarse)
        for fine in cats.FINE:
            self.category.addItem(cats.LABELS[fine], fine)
        self.borough = QComboBox()
        self.borough.setObjectName("borough")
        self.date_from, self.date_to = _date_edit("date_from"), _date_edit("date_to")
        self.text = QLineEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText("Reference or location contains…")
        self.text.setClearButtonEnabled(True)
        self.count = QLabel()
        self.selection_note = QLabel()
        self.selection_note.setStyleSheet("color:#8a4b00")
        self.clear_selection = QPushButton("Show all")
        self.clear_selection.clicked.connect(self._clear_shared_selection)

        bar = QHBoxLayout()
        for label, widget in (("Category", self.category), ("Borough", self.borough),
                              ("From", self.date_from), ("To", self.date_to)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.text, 1)
        bar.addWidget(self.count)
        self.suggest = QPushButton("Suggest links…")
        self.suggest.setShortcut(QKeySequence("Ctrl+L"))
        self.suggest.setToolTip("Offences most likely committed by the same offender as the selected one (Ctrl+L)")
        self.suggest.setEnabled(False)
        self.suggest.clicked.connect(self.suggest_links)
        bar.addWidget(self.suggest)

        note = QHBoxLayout()
        note.addWidget(self.selection_note, 1)
        note.addWidget(self.clear_selection)

        self.model = OffenceTableModel(session.store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COLUMN_NAMES.index("committed_from"), Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for col, name in enumerate(COLUMN_NAMES):
            self.table.setColumnWidth(col, metrics.horizontalAdvance(SAMPLES[name]) + 24)
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._row_selected)

        self.detail = QTextBrowser()
        self.detail.setMinimumWidth(300)
        self.detail.setPlaceholderText("Select an offence to see its details.")

        self.suspects = SuspectsPanel()
        self.side = QTabWidget()
        self.side.addTab(self.detail, "Details")
        self.side.addTab(self.suspects, "Suspects")
        self.side.currentChanged.connect(lambda _: self._show_suspects())

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(note)
        layout.addWidget(splitter, 1)
        self.binding = bind(self, self.state)

        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.apply_filter)
        for combo in (self.category, self.borough):
            combo.currentIndexChanged.connect(self._debounce.start)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._debounce.start)
        self.text.textChanged.connect(self._debounce.start)
        session.changed.connect(self._on_changed)
        session.selection_changed.connect(self._on_selection)
        self._fill_boroughs()
        self.apply_filter()

    # -- filtering ------------------------------------------------------------------
    def _fill_boroughs(self) -> None:
        """List the boroughs holding offences, keeping the chosen one while it is still there."""
        self.borough.blockSignals(True)
        self.borough.clear()
        self.borough.addItem("All boroughs", None)
        for name in offence_boroughs(self.session.store):
            self.borough.addItem(name, name)
        self.borough.blockSignals(False)
        self.binding.update(borough=self.state.borough if self.borough.findData(self.state.borough) > 0 else None)

    def current_filter(self) -> OffenceFilter:
        """The offences listed: those of :attr:`state`, narrowed to a selection shared by another view."""
        return replace(self.state.offence_filter(), ids=self.selected_ids)

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self.count.setText(f"{len(self.model.ids):,} offences")
        shared = self.selected_ids is not None
        self.selection_note.setVisible(shared)
        self.clear_selection.setVisible(shared)

    # -- cross-view selection ---------------------------------------------------------
    def _on_selection(self, selection: Selection) -> None:
        if selection.kind != "offence" or selection.origin == "offences":
            return
        self.selected_ids = tuple(selection.ids)
        origin = selection.origin or "another view"
        self.selection_note.setText(f"Showing the {len(self.selected_ids):,} offences selected in {origin}.")
        self.apply_filter()

    def _clear_shared_selection(self) -> None:
        self.selected_ids = None
        self.apply_filter()

    def _on_changed(self, changed: Changed) -> None:
        if changed.kind in ("offences", "boundaries", "store"):
            self._fill_boroughs()
            self.apply_filter()

    # -- selection and detail ---------------------------------------------------------
    def selected_offence_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.offence_id(r) for r in rows]

    def _row_selected(self, *_):
        ids = self.selected_offence_ids()
        self.suggest.setEnabled(len(ids) == 1)
        if len(ids) == 1:
            detail = offence_detail(self.session.store, ids[0])
            self.detail.setHtml(offence_html(detail) if detail else "")
        elif ids:
            self.detail.setHtml(f"<p>{len(ids):,} offences selected.</p>")
        else:
            self.detail.clear()
        if ids:
            self.session.select("offence", ids, origin="offences")
        self._show_suspects()

    def _show_suspects(self) -> None:
        """Rank known offenders for the one selected offence, when the Suspects tab shows."""
        ids = self.selected_offence_ids()
        if self.side.currentWidget() is self.suspects and len(ids) == 1:
            self.suspects.show_offence(self.session.store, ids[0])

    def select_row(self, row: int) -> None:
        self.table.selectionModel().select(
            self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)

    def suggest_links(self) -> None:
        """The suggest-links dialog for the one selected offence."""
        ids = self.selected_offence_ids()
        if len(ids) == 1:
            open_suggest_dialog(self.session, ids[0], self)

    def _context_menu(self, pos) -> None:
        ids = self.selected_offence_ids()
        if not ids:
            return
        menu = QMenu(self)
        suggest = menu.addAction("Suggest links…")
        suggest.setEnabled(len(ids) == 1)
        suggest.triggered.connect(self.suggest_links)
        for label, handler in _ACTIONS:
            action = menu.addAction(label)
            action.triggered.connect(lambda _=False, h=handler: h(self.session, ids, self))
        menu.exec(self.table.viewport().mapToGlobal(pos))


_ACTIONS: list = []


def register_offence_action(label: str, handler) -> None:
    """Let another view add to the table's context menu: ``handler(session, ids, parent)``
    (e.g. the map's "Show on map")."""
    _ACTIONS.append((label, handler))


def create_view(session: Session, parent=None) -> OffencesView:
    return OffencesView(session, parent)
