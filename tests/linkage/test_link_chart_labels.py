"""The series link chart places offence labels clear of each other and of other nodes,
with the placement rule the network chart uses (workbench.ui.label_placement)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QSizeF

from workbench.ui.label_placement import label_offset, place_labels
from workbench.ui.linkage.link_chart import LinkChart


def test_a_crowded_symbol_takes_the_next_free_side():
    size = QSizeF(60, 12)
    # B sits right under A, where A's label would go: A's label moves above.
    sides = place_labels([(QPointF(0, 0), 10, size), (QPointF(0, 24), 10, size)])
    assert sides == ["above", "below"]
    assert label_offset("above", 10, size).y() == -10 - 2 - 12


def _two_tight_groups(m: int) -> list[tuple[int, int, float, bool]]:
    """Two groups of ``m`` offences all strongly linked within, one weak link between: the
    layout packs each group tightly, so labels all put below their node would collide."""
    group = [(i, j) for i in range(m) for j in range(i + 1, m)]
    return ([(i, j, 1.0, False) for i, j in group] + [(i + m, j + m, 1.0, False) for i, j in group]
            + [(0, m, 0.1, False)])


@pytest.mark.parametrize("m", [8, 12])
def test_series_chart_labels_overlap_neither_each_other_nor_other_offences(qtbot, m):
    chart = LinkChart()
    qtbot.addWidget(chart)
    labels = {k: f"CR2026-00{19000 + k * 7:05d}" for k in range(2 * m)}
    chart.show_graph(labels, _two_tight_groups(m))
    rects = {k: t.sceneBoundingRect() for k, t in chart.labels.items()}
    assert len(rects) == 2 * m
    assert [(a, b) for a in rects for b in rects if a < b and rects[a].intersects(rects[b])] == []
    assert [(k, n) for k, r in rects.items() for n, node in chart.nodes.items()
            if n != k and r.intersects(node.sceneBoundingRect())] == []
