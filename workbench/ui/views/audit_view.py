"""The Audit view: who did what and when (newest first), and a button that checks the
hash chain so the analyst or a reviewer sees at once whether the log was tampered with."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import AuditState
from workbench.domain.audit import AuditAction
from workbench.events import Changed
from workbench.store import audit as audit_log
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job

TITLE = "Audit"
ORDER = 90

#: Newest entries shown; the command line (`workbench audit show`) lists any number.
SHOWN = 2000
COLUMNS = ("#", "When (UTC)", "Who", "Action", "Object", "Detail")
OK_STYLE = "background:#e3f4e1;color:#1d5e20;padding:6px;border-radius:3px"
BAD_STYLE = "background:#fbe3e1;color:#8a1c12;padding:6px;border-radius:3px;font-weight:bold"


class AuditView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.state = AuditState()
        self.action = QComboBox()
        self.action.setObjectName("action")
        self.action.addItem("All actions", None)
        for action in AuditAction:
            self.action.addItem(action.value, action.value)
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setToolTip("Recompute every entry's hash and link: shows the first entry "
                                      "edited, deleted or moved outside Workbench")
        self.verify_button.clicked.connect(self.verify)
        self.verdict = QLabel("Not verified yet in this session.")
        self.verdict.setWordWrap(True)
        self.shown = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Action:"))
        bar.addWidget(self.action)
        bar.addStretch(1)
        bar.addWidget(self.shown)
        bar.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        self.job = None
        self.result: dict | None = None
        self._stale = False
        self.binding = bind(self, self.state)
        self.action.currentIndexChanged.connect(self.refresh)      # after the binder: refresh sees the action
        session.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, _changed: Changed) -> None:
        """Every write is audited, so any change adds entries: show them (now, or when shown)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, *_args) -> None:
        """Show the newest entries of the action of :attr:`state`."""
        self._stale = False
        store = self.session.store
        found = audit_log.entries(store, action=self.state.audit_action(), limit=SHOWN)
        total = audit_log.count(store)
        self.table.setRowCount(len(found))
        for row, entry in enumerate(found):
            target = f"{entry['object_type']} {entry['object_id']}" if entry["object_id"] else entry["object_type"]
            detail = entry["detail"]
            text = json.dumps(detail, ensure_ascii=False) if isinstance(detail, dict) else str(detail)
            cells = (str(entry["id"]), entry["at"].replace("T", " ")[:19], entry["user"], entry["action"],
                     target, text)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(value if column == 5 else f"hash {entry['hash']}")
                self.table.setItem(row, column, item)
        more = f" (newest {SHOWN:,}; `workbench audit show` lists all)" if len(found) == SHOWN else ""
        self.shown.setText(f"{len(found):,} of {total:,} entries{more}")

    def verify(self) -> None:
        """Check the whole chain in the background and show the verdict."""
        self.verify_button.setEnabled(False)
        self.verdict.setText("Verifying…")
        self.job = run_job(self, "Verifying the audit log",
                           lambda store, progress, cancelled: audit_log.verify(store, progress),
                           session=self.session, on_done=self._show_verdict, on_error=self._failed)

    def _show_verdict(self, result: dict) -> None:
        self.result = result
        self.verify_button.setEnabled(True)
        if result["ok"]:
            self.verdict.setStyleSheet(OK_STYLE)
            self.verdict.setText(f"Audit log intact: all {result['entries']:,} entries and their links check.")
        else:
            self.verdict.setStyleSheet(BAD_STYLE)
            self.verdict.setText(
                f"Audit log tampered with: the chain breaks at entry #{result['first_bad']} "
                f"(an entry edited, deleted or moved outside Workbench). Report it to your "
                f"system manager; keep this store as evidence.")

    def _failed(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        self.verdict.setStyleSheet(BAD_STYLE)
        self.verdict.setText(f"Could not verify: {message}")


def create_view(session: Session, parent: QWidget | None = None) -> AuditView:
    return AuditView(session, parent)
