"""The import dialog: pick a format and file(s), watch progress, read the reject report.

The import runs in the background with a Cancel button (a cancelled import leaves the
store as it was); afterwards the dialog lists every rejected row with file, line,
column and reason, and can save them as CSV for fixing and re-import.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import ImportState
from workbench.events import Changed
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.missing_csv import import_missing
from workbench.ingest.nominals_csv import import_nominals
from workbench.ingest.offences_csv import import_offences
from workbench.ingest.police_uk import import_police_uk
from workbench.ingest.rejects_export import export_rejects
from workbench.intel.importer import import_intel
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.overwrite import NO_DIALOG_CONFIRM, ask_replace

KINDS = [
    ("offences", "Force offences (canonical CSV)", "CSV files (*.csv *.csv.gz *.zip);;All files (*)"),
    ("police-uk", "police.uk street-level crime", "police.uk files (*.csv *.csv.gz *.zip);;All files (*)"),
    ("intel", "Intelligence reports (intelligence CSV)", "CSV files (*.csv *.csv.gz *.zip);;All files (*)"),
    ("nominals", "Nominals (nominals CSV)", "CSV files (*.csv *.csv.gz *.zip);;All files (*)"),
    ("missing", "Missing-person episodes (missing CSV)", "CSV files (*.csv *.csv.gz *.zip);;All files (*)"),
    ("boundaries", "Borough or ward boundaries", "Boundaries (*.gpkg *.geojson *.json *.shp);;All files (*)"),
]
NOUNS = {"offences": ("offence", "offences"), "police-uk": ("offence", "offences"),
         "intel": ("intelligence report", "intelligence reports"), "nominals": ("nominal", "nominals"),
         "missing": ("missing episode", "missing episodes")}


class ImportDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, kind: str = "offences"):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import")
        self.resize(760, 520)
        self.state = ImportState(kind=kind)
        self.kind = QComboBox()
        for key, label, _ in KINDS:
            self.kind.addItem(label, key)
        self.files = QLineEdit()
        self.files.setPlaceholderText("Choose one or more files…")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.files, 1)
        row.addWidget(browse)
        self.source = QLineEdit()
        self.source.setPlaceholderText("force (default)")
        self.layer = QLineEdit()
        self.layer.setPlaceholderText("only for a GeoPackage with several layers")
        self.level = QComboBox()
        self.level.addItem("Detect from the layer name", None)
        self.level.addItem("Boroughs", "borough")
        self.level.addItem("Wards", "ward")
        for widget, name in ((self.kind, "kind"), (self.files, "files"), (self.source, "source"),
                             (self.layer, "layer"), (self.level, "level")):
            widget.setObjectName(name)
        form = QFormLayout()
        form.addRow("Format", self.kind)
        form.addRow("File(s)", row)
        form.addRow("Source system", self.source)
        form.addRow("Layer", self.layer)
        form.addRow("Level", self.level)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.rejects = QTableWidget(0, 4)
        self.rejects.setHorizontalHeaderLabels(["File", "Line", "Column", "Reason"])
        self.rejects.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.rejects.verticalHeader().setVisible(False)
        self.rejects.hide()
        self.save_rejects = QPushButton("Save rejected rows as CSV…")
        self.save_rejects.clicked.connect(self._save_rejects)
        self.save_rejects.hide()
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        buttons.addButton(QDialogButtonBox.Close)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejects, 1)
        layout.addWidget(self.save_rejects)
        layout.addWidget(buttons)
        self.binding = bind(self, self.state)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.result = None
        self.job = None

    def _kind_changed(self) -> None:
        key = self.state.kind
        self.source.setEnabled(key in ("offences", "intel"))
        self.layer.setEnabled(key == "boundaries")
        self.level.setEnabled(key == "boundaries")

    def _browse(self) -> None:
        key = self.state.kind
        pattern = next(p for k, _, p in KINDS if k == key)
        if key == "boundaries":
            path, _ = QFileDialog.getOpenFileName(self, "Choose a boundary file", "", pattern)
            paths = [path] if path else []
        else:
            paths, _ = QFileDialog.getOpenFileNames(self, "Choose files to import", "", pattern)
        if paths:
            self.files.setText(" ; ".join(paths))

    def start(self) -> None:
        """Run the import of :attr:`state` in the background."""
        paths = self.state.paths()
        if not paths:
            self.summary.setText("Choose a file to import first.")
            return
        key, options = self.state.kind, self.state.options()
        importer = {"offences": import_offences, "police-uk": import_police_uk, "intel": import_intel,
                    "nominals": import_nominals, "missing": import_missing}.get(key)

        def work(store, progress, cancelled):
            if importer is None:
                return import_boundaries(store, paths[0], progress=progress, cancelled=cancelled, **options)
            return importer(store, paths, progress=progress, cancelled=cancelled, **options)

        self.import_button.setEnabled(False)
        self.summary.setText("Importing…")
        self.job = run_job(self, "Importing", work, session=self.session, on_done=self._done,
                           on_error=self._failed)

    def _failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.summary.setText(f"<b>Nothing was imported.</b> {message}")

    def _done(self, result) -> None:
        self.import_button.setEnabled(True)
        self.result = result
        if hasattr(result, "rejects"):
            key = self.state.kind
            one, many = NOUNS[key]
            self.summary.setText(
                f"<b>Imported {result.imported:,} {one if result.imported == 1 else many}</b> from "
                f"{result.rows_read:,} rows (batch {result.batch}). {result.duplicates:,} were already in "
                f"the store or repeated; {result.rejected:,} rows were rejected and kept for review."
                + "".join(f"<br><b>Warning:</b> {escape(w)}" for w in result.warnings))
            self._show_rejects(result.rejects)
            self.session.notify(Changed({"intel": "intel", "nominals": "people", "missing": "people"}.get(key, "offences")))
        else:
            self.summary.setText(f"<b>Imported {result.imported} {result.level} boundaries.</b> "
                                 f"{result.offences_assigned:,} offences now have a borough.")
            self.session.notify(Changed("boundaries"))

    def _show_rejects(self, rejects) -> None:
        self.rejects.setRowCount(len(rejects))
        for i, r in enumerate(rejects):
            for j, value in enumerate((r.file, r.line, r.column or "", r.reason)):
                self.rejects.setItem(i, j, QTableWidgetItem(str(value)))
        self.rejects.resizeColumnsToContents()
        self.rejects.setVisible(bool(rejects))
        self.save_rejects.setVisible(bool(rejects))

    def _save_rejects(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save rejected rows", "rejects.csv", "CSV (*.csv)",
                                              options=NO_DIALOG_CONFIRM)
        if path:
            self.save_rejects_to(path)

    def save_rejects_to(self, path: str) -> str | None:
        """Write the rejected rows through the export service, asking before replacing a file."""
        force = ask_replace(self, [path])
        if force is None:
            return None
        export_rejects(self.session.store, self.result.rejects, path, force=force)
        return path
