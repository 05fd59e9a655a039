"""The Network view: an interactive link chart of people, vehicles, phones, addresses,
offences and intelligence, with the social network measures in a table.

Type an entity (person id, VRM, phone, postcode, offence or intelligence reference) and
expand N links from it; expand again from whatever is selected on the chart; hide what
is noise; drag entities about; lay the chart out as a spring network, a hierarchy from
the starting entities, or in columns by type. Building the chart and its measures runs
in the background. Selecting offences, people or reports on the chart shares them with the
other views (``session.select``); offences selected elsewhere are selected here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import NetworkState
from workbench.network import measures
from workbench.network.graph import KIND_LABELS, build_graph, expand, node_id, resolve, split_id, timeline
from workbench.network.layout import LAYOUT, positions
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.network.chart import NetworkChart

TITLE = "Network"
ORDER = 50
ORIGIN = "network"
SHARED_KINDS = {"offence": "offence", "person": "person", "intel": "intel"}
COLUMNS = ("Entity", "Type", "Degree", "Betweenness", "Closeness", "Eigenvector")
EVENT_COLUMNS = ("Date", "Event", "Detail", "Linked to")
LAYOUT_CHOICES = (("Spring layout", "spring"), ("Hierarchy from the start", "hierarchy"),
                  ("Grouped by type", "grouped"))
PLURALS = {"person": "people", "address": "addresses", "intel": "intelligence reports"}


def build_chart(store, seeds: list[str], steps: int, layout: str = LAYOUT, progress=None, cancelled=None) -> dict:
    """Background work: the chart within ``steps`` of the seeds, its measures and layout."""
    graph = build_graph(store)
    nodes = [resolve(store, graph, s) for s in seeds]
    chart = expand(graph, nodes, steps)
    table = measures.compute(chart)
    measures.annotate(chart, table)
    return {"graph": chart, "seeds": nodes, "steps": steps, "table": table, "positions": positions(chart, layout, nodes)}


class NetworkView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("networkView")
        self.result: dict | None = None
        self.job = None
        self._syncing = False
        self.state = NetworkState()

        self.entity = QLineEdit()
        self.entity.setObjectName("entity")
        self.entity.setPlaceholderText("Person id, VRM, phone, postcode, offence or intelligence reference")
        self.steps = QSpinBox()
        self.steps.setObjectName("steps")
        self.steps.setRange(1, 6)
        self.steps.setPrefix("Steps: ")
        self.expand_entity_button = QPushButton("Expand")
        self.expand_button = QPushButton("Expand selected")
        self.expand_button.setToolTip("Add everything within the chosen steps of the selected entities")
        self.expand_button.clicked.connect(self.expand_selected)
        hide = QPushButton("Hide selected")
        hide.clicked.connect(lambda: self.chart.hide_nodes(self.chart.selected()))
        fit = QPushButton("Fit")
        fit.clicked.connect(lambda: self.chart.fit())
        self.layout_choice = QComboBox()
        self.layout_choice.setObjectName("layout")
        for label, value in LAYOUT_CHOICES:
            self.layout_choice.addItem(label, value)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Entity:"))
        bar.addWidget(self.entity, 1)
        for w in (self.steps, self.expand_entity_button, self.expand_button, hide, self.layout_choice, fit):
            bar.addWidget(w)

        self.chart = NetworkChart(self, on_select=self._chart_selected)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.itemSelectionChanged.connect(self._table_selected)
        self.events = QTableWidget(0, len(EVENT_COLUMNS))
        self.events.setHorizontalHeaderLabels(EVENT_COLUMNS)
        self.events.verticalHeader().setVisible(False)
        self.events.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.events.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("Type an entity and press Expand to draw its network.")
        self.status.setWordWrap(True)

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel("Social network measures (highest betweenness first)"))
        side.addWidget(self.table, 3)
        side.addWidget(QLabel("Timeline of the selected entities (offences and reports, oldest first)"))
        side.addWidget(self.events, 2)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 560])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.binding = bind(self, self.state)
        # connected after the binder, so these see the state already changed
        self.entity.returnPressed.connect(self.expand_entity)
        self.expand_entity_button.clicked.connect(self.expand_entity)
        self.layout_choice.currentIndexChanged.connect(self.relayout)
        session.selection_changed.connect(self._shared_selection)

    # -- building -------------------------------------------------------------------
    def expand_entity(self) -> None:
        """Draw the chart around the entity typed (:attr:`state`)."""
        text = self.state.entity.strip()
        if text:
            self.load([text])

    def expand_selected(self) -> None:
        seeds = self.chart.selected() or (self.result["seeds"] if self.result else [])
        if seeds:
            self.load(seeds)

    def load(self, seeds: list[str]) -> None:
        """Build the chart around ``seeds`` (as far and laid out as :attr:`state` says) in the background."""
        steps, layout = self.state.steps, self.state.layout
        self.status.setText("Building the link chart…")
        self.job = run_job(self, "Building the link chart",
                           lambda store, progress, cancelled: build_chart(store, seeds, steps, layout,
                                                                          progress, cancelled),
                           session=self.session, on_done=self._show, on_error=self.status.setText, modal=False)

    def relayout(self) -> None:
        """Lay the current chart out again with the chosen layout (same entities)."""
        if self.result is None:
            return
        self.result["positions"] = positions(self.result["graph"], self.state.layout, self.result["seeds"])
        selected = self.chart.selected()
        self.chart.show_graph(self.result["graph"], self.result["positions"])
        self.chart.select(selected)

    def _show(self, result: dict) -> None:
        self.result = result
        graph = result["graph"]
        self.chart.show_graph(graph, result["positions"])
        self.chart.select(result["seeds"])
        self._fill_table(result["table"])
        kinds = {}
        for _, d in graph.nodes(data=True):
            kinds[d.get("kind")] = kinds.get(d.get("kind"), 0) + 1
        summary = ", ".join(_count(n, k) for k, n in kinds.items())
        self.status.setText(f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} links within "
                            f"{result['steps']} step(s): {summary}. Drag to rearrange; select and "
                            "press Expand selected to follow links further.")

    def _fill_table(self, table) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(table))
        for row, (node, rec) in enumerate(table.iterrows()):
            cells = [rec["label"], KIND_LABELS.get(rec["kind"], rec["kind"]), int(rec["degree"]),
                     rec["betweenness"], rec["closeness"], rec["eigenvector"]]
            for col, value in enumerate(cells):
                item = QTableWidgetItem()
                if isinstance(value, float):
                    item.setData(Qt.DisplayRole, round(value, 4))
                elif isinstance(value, int):
                    item.setData(Qt.DisplayRole, value)
                else:
                    item.setText(str(value))
                item.setData(Qt.UserRole, node)
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("Betweenness"), Qt.DescendingOrder)

    def _fill_timeline(self, nodes: list[str]) -> None:
        events = timeline(self.result["graph"], nodes) if self.result else []
        self.events.setRowCount(len(events))
        for row, event in enumerate(events):
            when = event["date"][:16].replace("T", " ")
            cells = (when[:10] if when.endswith("00:00") else when, f"{KIND_LABELS.get(event['kind'], event['kind'])} "
                     f"{event['label']}", event["detail"], ", ".join(event["via"]))
            for col, text in enumerate(cells):
                self.events.setItem(row, col, QTableWidgetItem(text))
        self.events.resizeColumnsToContents()

    # -- selection ------------------------------------------------------------------
    def _table_selected(self) -> None:
        nodes = {i.data(Qt.UserRole) for i in self.table.selectedItems()}
        if nodes:
            self.chart.select(nodes)

    def _chart_selected(self, nodes: list[str]) -> None:
        self._fill_timeline(nodes)
        if self._syncing:
            return
        by_kind: dict[str, list] = {}
        for node in nodes:
            kind, key = split_id(node)
            if kind in SHARED_KINDS:
                by_kind.setdefault(kind, []).append(int(key) if kind in ("offence", "intel") else key)
        for kind in ("offence", "person", "intel"):
            if by_kind.get(kind):
                self.session.select(SHARED_KINDS[kind], by_kind[kind], origin=ORIGIN)
                return

    def _shared_selection(self, selection) -> None:
        if selection.origin == ORIGIN or selection.kind not in SHARED_KINDS:
            return
        self._syncing = True
        try:
            self.chart.select(node_id(selection.kind, i) for i in selection.ids)
        finally:
            self._syncing = False


def _count(n: int, kind: str) -> str:
    """``1 person``, ``2 people``, ``3 vehicles``, ``28 addresses``."""
    word = KIND_LABELS.get(kind, kind).lower()
    if n != 1:
        word = PLURALS.get(kind, word + "s")
    return f"{n} {word}"


def create_view(session: Session, parent=None) -> QWidget:
    return NetworkView(session, parent)
