"""The main window: one tab per view, menus, a security-marking banner and a status bar
with the store's counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget)

from workbench import __version__
from workbench.events import Changed
from workbench.app.session import Session
from workbench.store.offences import stats
from workbench.ui.import_dialog import ImportDialog
from workbench.ui.views import view_modules

ABOUT = f"""<h3>Workbench {__version__}</h3>
<p>Offline intelligence analysis for Borough Intelligence Units: scanning, linked-offence
analysis, hotspots, intelligence and tasking under the National Intelligence Model.</p>
<p>Bundled data contains public sector information licensed under the Open Government
Licence v3.0 (data.police.uk; Office for National Statistics and Greater London Authority
boundaries; contains OS data &copy; Crown copyright and database right).</p>"""


class MainWindow(QMainWindow):
    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.setWindowTitle(f"Workbench — {session.db_path.name}")
        self.resize(1400, 860)

        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignCenter)
        self.banner.setObjectName("markingBanner")
        self.banner.setStyleSheet("background:#1f3b5a;color:white;font-weight:bold;padding:3px;letter-spacing:1px")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.views: dict[str, QWidget] = {}
        for module in view_modules():
            view = module.create_view(session, self)
            self.views[module.TITLE] = view
            self.tabs.addTab(view, module.TITLE)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)
        self._menus()
        session.changed.connect(self._on_changed)
        self.refresh_status()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for label, kind in (("Import force offences…", "offences"), ("Import police.uk crime…", "police-uk"),
                            ("Import intelligence…", "intel"), ("Import boundaries…", "boundaries")):
            action = file_menu.addAction(label)
            action.triggered.connect(lambda _=False, k=kind: self.open_import(k))
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.Quit)
        quit_action.triggered.connect(self.close)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self, shortcut=QKeySequence.Undo, triggered=self._undo)
        self.redo_action = QAction("&Redo", self, shortcut=QKeySequence.Redo, triggered=self._redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        view_menu = self.menuBar().addMenu("&View")
        for index, title in enumerate(self.views):
            action = view_menu.addAction(title)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}") if index < 9 else QKeySequence())
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About Workbench").triggered.connect(
            lambda: QMessageBox.about(self, "About Workbench", ABOUT))
        self._update_undo()

    def open_import(self, kind: str = "offences") -> ImportDialog:
        dialog = ImportDialog(self.session, self, kind)
        dialog.show()
        return dialog

    def _undo(self) -> None:
        self.session.commands.undo()

    def _redo(self) -> None:
        self.session.commands.redo()

    def _update_undo(self) -> None:
        undo, redo = self.session.commands.undo_text, self.session.commands.redo_text
        self.undo_action.setEnabled(undo is not None)
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.redo_action.setEnabled(redo is not None)
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")

    def _on_changed(self, changed: Changed) -> None:
        self._update_undo()
        if changed.kind in ("offences", "boundaries", "store", "setting"):
            self.refresh_status()

    def refresh_status(self) -> None:
        s = stats(self.session.store)
        marking = self.session.store.setting("security_marking", "OFFICIAL-SENSITIVE")
        self.banner.setText(marking)
        span = f"{s['date_min']} to {s['date_max']}" if s["date_min"] else "no offences yet"
        boroughs = len([b for b in s["by_borough"] if b != "(none)"])
        self.counts.setText(f"{s['offences']:,} offences · {span} · {boroughs} boroughs · "
                            f"{s['boundaries'].get('ward', 0)} wards · {s['rejects']:,} rejected rows")
