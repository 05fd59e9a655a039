"""A table model that holds only offence ids and fetches rows from SQLite on demand.

Sorting and filtering are done by SQLite (indexed), so a million offences scroll
smoothly: the model keeps a numpy array of ids and a small cache of fetched pages.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from workbench.domain.categories import LABELS
from workbench.store import Store
from workbench.store.offences import OffenceFilter, fetch_rows, query_ids

COLUMNS = [
    ("offence_ref", "Reference"),
    ("category", "Category"),
    ("status", "Status"),
    ("committed_from", "From"),
    ("committed_to", "To"),
    ("borough", "Borough"),
    ("ward", "Ward"),
    ("location_desc", "Location"),
    ("source", "Source"),
]
#: The widest usual value of each column, so ward names and status are not clipped.
SAMPLES = {"offence_ref": "CR2026-0001234", "category": "Violence without injury", "status": "unsolved",
           "committed_from": "2026-10-31 23:59", "committed_to": "2026-10-31 23:59",
           "borough": "Kensington and Chelsea", "ward": "Camden Town with Primrose Hill",
           "location_desc": "outside the shops on, Holloway Road", "source": "synthetic"}
PAGE = 256
MAX_PAGES = 64


class OffenceTableModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.filter = OffenceFilter()
        self.ids = np.zeros(0, dtype=np.int64)
        self._order = "committed_from DESC, id DESC"
        self._pages: OrderedDict[int, dict[int, tuple]] = OrderedDict()

    # -- data loading -----------------------------------------------------------
    def set_filter(self, flt: OffenceFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.ids = query_ids(self.store, self.filter, self._order)
        self._pages.clear()
        self.endResetModel()

    def _row(self, row: int) -> tuple | None:
        page = row // PAGE
        if page not in self._pages:
            ids = self.ids[page * PAGE:(page + 1) * PAGE]
            self._pages[page] = fetch_rows(self.store, ids, [c for c, _ in COLUMNS])
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return self._pages[page].get(int(self.ids[row]))

    def offence_id(self, row: int) -> int:
        return int(self.ids[row])

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        value = row[index.column()]
        name = COLUMNS[index.column()][0]
        if value is None:
            return ""
        if name == "category":
            return LABELS.get(value, value)
        if name in ("committed_from", "committed_to"):
            return value.replace("T", " ")[:16]
        return str(value)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        direction = "ASC" if order == Qt.AscendingOrder else "DESC"
        self._order = f"{COLUMNS[column][0]} {direction}, id {direction}"
        self.reload()
