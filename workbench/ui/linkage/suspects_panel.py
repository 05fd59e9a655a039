"""The Suspects panel: known offenders ranked for one offence, with the reasons of each
one's best-matching offence (``workbench link suspects``). Used by the Series and the
Offences views."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import UserError
from workbench.linkage import service
from workbench.people.suspects import extend_link_suspects
from workbench.ui.linkage.reasons_html import reasons_html

TOP = 10


class SuspectsPanel(QWidget):
    """Shows :func:`workbench.linkage.service.suspects_for` for the offence given to
    :meth:`show_offence`; choosing a suspect shows why their best match scored."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("suspectsPanel")
        self.result: dict | None = None
        self.heading = QLabel("Choose an offence to rank known offenders for it.")
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Known offender", "Score", "Best match", "Offences scored"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.reasons = QTextBrowser()
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.reasons)
        split.setSizes([200, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)

    def show_offence(self, store, offence_id: int, context: str = "") -> None:
        """Rank known offenders for one offence (fast: the crime group is cached);
        ``context`` says why this offence (e.g. "the latest offence of C1")."""
        self.table.setRowCount(0)
        self.reasons.clear()
        try:
            self.result = extend_link_suspects(store, service.suspects_for(store, str(offence_id), top=TOP), top=TOP)
        except UserError as exc:
            self.result = None
            self.heading.setText(str(exc))
            return
        r = self.result
        self.heading.setText(
            f"<b>Known offenders for {escape(r['offence'])}</b>{' (' + escape(context) + ')' if context else ''}: "
            f"{r['offenders_considered']:,} offenders with "
            f"solved {escape(r['group'])} offences considered; each scored by their best-matching offence "
            f"within a year.{' Default model: ' + escape(r['model']) if r['default_model'] else ''}"
            + ("<br><b>Nominals near by who fit</b>: " + ", ".join(
                f"{escape(n['nominal'])} ({escape(', '.join(n['flags']))}, {n['score']:.2f})"
                for n in r["nominals"][:5]) if r["nominals"] else ""))
        for s in r["suspects"]:
            row = self.table.rowCount()
            self.table.insertRow(row)
            who = s["offender"] + (f" ({', '.join(s['nominal']['flags'])})" if s.get("nominal") else "")
            for col, text in enumerate((who, f"{s['score']:.2f}", s["best_match"], str(len(s["offences"])))):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setToolTip(", ".join(s["offences"]))
                self.table.setItem(row, col, item)
        for col in range(3):
            self.table.resizeColumnToContents(col)
        if r["suspects"]:
            self.table.selectRow(0)
        else:
            self.reasons.setHtml("<p style='color:#555'>No known offender has an offence of this kind within "
                                 "a year of it.</p>")

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.result is None:
            return
        s = self.result["suspects"][rows[0].row()]
        nominal = (f"<p><b>Nominal</b> ({escape(', '.join(s['nominal']['flags']))}): {escape(s['nominal']['reasons'])}</p>"
                   if s.get("nominal") else "")
        self.reasons.setHtml(f"<p>{escape(s['offender'])}: offences scored {escape(', '.join(s['offences']))}</p>"
                             + nominal
                             + reasons_html(self.result["offence"], s["best_match"], s["score"], s["reasons"],
                                            self.result["default_model"]))
