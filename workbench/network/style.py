"""How each kind of entity looks on a chart, shared by the PNG renderer and the Qt chart
so an analyst sees the same colours and shapes everywhere."""

from __future__ import annotations

#: kind -> (fill colour, shape). Shapes: circle, square, diamond, triangle, octagon, page.
KIND_STYLE = {
    "person": ("#1f77b4", "circle"),
    "vehicle": ("#2ca02c", "square"),
    "phone": ("#9467bd", "diamond"),
    "address": ("#8c564b", "triangle"),
    "offence": ("#d62728", "octagon"),
    "intel": ("#ff7f0e", "page"),
}
DEFAULT_STYLE = ("#7f7f7f", "circle")

#: matplotlib markers for the shapes.
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "octagon": "8", "page": "p"}


def style(kind: str | None) -> tuple[str, str]:
    """``(colour, shape)`` of an entity kind."""
    return KIND_STYLE.get(kind or "", DEFAULT_STYLE)
