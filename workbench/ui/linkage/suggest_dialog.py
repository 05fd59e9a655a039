"""Suggest links for one offence: ranked candidates with reasons; confirm or reject.

Hooked to the offences table's context menu through :func:`open_suggest_dialog`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.errors import Conflict
from workbench.linkage import service
from workbench.linkage.decisions import DecideLink
from workbench.store import linkage as db
from workbench.store.offences import offence_refs
from workbench.ui.jobs import run_job
from workbench.ui.linkage.reasons_html import reasons_html


class SuggestDialog(QDialog):
    def __init__(self, session: Session, offence_id: int, parent: QWidget | None = None, top: int = 20):
        super().__init__(parent)
        self.session, self.offence_id, self.top = session, int(offence_id), top
        self.ref = offence_refs(session.store, [self.offence_id])[0]
        self.result: dict | None = None
        self.seen: dict[int, int] = {}
        self.setWindowTitle(f"Offences likely linked to {self.ref}")
        self.resize(980, 560)
        self.note = QLabel("Scoring candidates…")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Score", "Offence", "Category", "Decision", "Why"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.reasons = QTextBrowser()
        self.confirm_button = QPushButton("Confirm link…")
        self.reject_button = QPushButton("Reject link…")
        self.show_both = QPushButton("Show both in the offences table")
        self.confirm_button.clicked.connect(lambda: self._decide("confirmed"))
        self.reject_button.clicked.connect(lambda: self._decide("rejected"))
        self.show_both.clicked.connect(self._show_both)
        buttons = QHBoxLayout()
        for b in (self.confirm_button, self.reject_button, self.show_both):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.reasons)
        split.setSizes([620, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self._enable(False)
        self.refresh()

    def refresh(self) -> None:
        ref, top = self.ref, self.top
        self.job = run_job(self, f"Suggesting links for {ref}", lambda store, progress, cancelled: service.suggest(
            store, ref, top=top, progress=progress, cancelled=cancelled), session=self.session,
            on_done=self.show_result, modal=False)

    def show_result(self, result: dict) -> None:
        self.result = result
        note = f"{result['candidates_considered']:,} offences in the search window; {result['model']}."
        if result["series"]:
            s = result["series"]
            note += f" Best-matching series: {s['id']} {s['name']} (score {s['score']:.2f})."
        self.note.setText(note)
        self.table.setRowCount(0)
        # the version of each candidate's decision as shown: deciding names it (Two analysts at once)
        self.seen = {c["id"]: db.decision_version(self.session.store, self.offence_id, c["id"])
                     for c in result["candidates"]}
        for c in result["candidates"]:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((f"{c['score']:.2f}", c["offence"], c["category"], c["decision"] or "",
                                        c["reasons"]["summary"])):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if result["candidates"]:
            self.table.selectRow(0)

    def _current(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.result["candidates"][rows[0].row()] if rows and self.result else None

    def _chosen(self) -> None:
        c = self._current()
        self._enable(c is not None)
        if c:
            self.reasons.setHtml(reasons_html(self.ref, c["offence"], c["score"], c["reasons"],
                                              self.result["default_model"]))

    def _enable(self, on: bool) -> None:
        for b in (self.confirm_button, self.reject_button, self.show_both):
            b.setEnabled(on)

    def _decide(self, decision: str) -> None:
        c = self._current()
        if c is None:
            return
        verb = "Confirm" if decision == "confirmed" else "Reject"
        why, ok = QInputDialog.getText(self, f"{verb} link", "Why? (kept in the audit log)")
        if not ok:
            return
        try:
            self.session.run(DecideLink(self.offence_id, c["id"], decision, why=why or None,
                                        seen=self.seen.get(c["id"], 0)))
        except Conflict as exc:            # another analyst decided meanwhile: say so, show theirs
            QMessageBox.warning(self, "Someone else decided", str(exc))
        self.refresh()

    def _show_both(self) -> None:
        c = self._current()
        if c:
            self.session.select("offence", (self.offence_id, c["id"]), origin="suggest")


def open_suggest_dialog(session: Session, offence_id: int, parent: QWidget | None = None) -> SuggestDialog:
    """Open (non-modal) the suggest-links dialog for one offence and return it."""
    dialog = SuggestDialog(session, offence_id, parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
