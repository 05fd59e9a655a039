"""What a scan finds: :class:`Alert`, one thing for the analyst to look at, and the alert
kinds in the order the dashboard shows them.

The vocabulary sits in the domain so every package that finds alerts (scan for offences,
people for victims, missing people and nominals) builds the same objects without
depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

#: Alert kinds, most urgent first (the dashboard groups alerts in this order).
KINDS = ("sexual_offence", "nominal_near_offence", "nominal_breach", "missing_person", "repeat_victim", "trend",
         "hotspot", "near_repeat", "repeat_location", "missing_location", "saved_search", "tasking_review")
KIND_TITLES = {
    "sexual_offence": "New sexual offences",
    "nominal_near_offence": "Flagged nominals near new sexual offences",
    "nominal_breach": "Nominals breaching conditions",
    "missing_person": "Repeat missing people",
    "repeat_victim": "Repeat victims",
    "missing_location": "Missing-person locations",
    "trend": "Emerging trends",
    "hotspot": "New hotspots",
    "near_repeat": "Near-repeat risk",
    "repeat_location": "Repeat locations",
    "tasking_review": "Tasking reviews due",
    "saved_search": "Saved searches",
}


@dataclass
class Alert:
    """One finding of a scan."""

    kind: str
    summary: str
    offence_ids: list[int] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "summary": self.summary, "offence_ids": self.offence_ids,
               "count": len(self.offence_ids), "bbox": list(self.bbox) if self.bbox else None}
        out.update(self.detail)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Alert:
        """Rebuild an alert from :meth:`as_json` (the dashboard shows the last stored scan)."""
        detail = {k: v for k, v in data.items() if k not in ("kind", "summary", "offence_ids", "count", "bbox")}
        bbox = tuple(data["bbox"]) if data.get("bbox") else None
        return cls(data["kind"], data["summary"], list(data.get("offence_ids") or []), bbox, detail)


def ordered(alerts: list[Alert]) -> list[Alert]:
    """Alerts grouped by kind in :data:`KINDS` order, keeping each kind's own order."""
    rank = {k: i for i, k in enumerate(KINDS)}
    return sorted(alerts, key=lambda a: rank.get(a.kind, len(KINDS)))


def bbox_of(x: ArrayLike, y: ArrayLike, pad: float = 150.0) -> tuple[float, float, float, float] | None:
    """Bounding box of points (padded so a single point gets a viewable area)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    return (float(x[ok].min() - pad), float(y[ok].min() - pad), float(x[ok].max() + pad), float(y[ok].max() + pad))
