"""The CCA matrix as a table: offences down, features across, shared cells tinted."""

from __future__ import annotations

import pandas as pd
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

SHARED = QColor("#cfe8cf")
EMPTY = QColor("#eeeeee")


class CcaTable(QTableWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(False)

    def show_matrix(self, matrix: pd.DataFrame, shared: pd.DataFrame) -> None:
        """Show ``matrix`` (index: references) tinting cells ``shared`` marks."""
        self.clear()
        self.setRowCount(len(matrix))
        self.setColumnCount(len(matrix.columns))
        self.setHorizontalHeaderLabels([str(c) for c in matrix.columns])
        self.setVerticalHeaderLabels([str(i) for i in matrix.index])
        for r, ref in enumerate(matrix.index):
            for c, col in enumerate(matrix.columns):
                text = str(matrix.iat[r, c])
                item = QTableWidgetItem(text)
                item.setToolTip(f"{ref}, {col}: {text or 'not recorded'}")
                if bool(shared.iat[r, c]):
                    item.setBackground(QBrush(SHARED))
                elif text == "":
                    item.setBackground(QBrush(EMPTY))
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
