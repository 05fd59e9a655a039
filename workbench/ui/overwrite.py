"""Asking before an export replaces files: the app's side of ``--force``.

Save dialogs are opened with ``DontConfirmOverwrite`` so that this one question is the
only one: :func:`ask_replace` lists the files that exist and returns whether the export
may replace them (``force``), or None when the analyst says no.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

#: Pass to QFileDialog.getSaveFileName so the dialog does not ask as well.
NO_DIALOG_CONFIRM = QFileDialog.Option.DontConfirmOverwrite


def ask_replace(parent: QWidget, paths) -> bool | None:
    """False when none of ``paths`` exists; True when some do and the analyst agrees to
    replace them; None when the analyst declines (do not export)."""
    existing = [Path(p) for p in paths if Path(p).exists()]
    if not existing:
        return False
    names = "\n".join(str(p) for p in existing)
    answer = QMessageBox.question(parent, "Replace existing files?",
                                  f"These files already exist:\n{names}\n\nReplace them with the new export?",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return True if answer == QMessageBox.StandardButton.Yes else None
