"""Handling-code enforcement: a report's text never leaves for a destination its handling
code does not permit, and every export says what was withheld and why.

Destinations and what each handling code permits are defined (and explained) in
:mod:`workbench.domain.grading`: ``internal``, ``central-bureau``, ``uk-police``,
``partner-agency``, ``overseas-law-enforcement``. Besides the handling code:

- a 3x5x2 ``C`` report goes beyond the originating agency only when the exporter accepts
  its conditions (``accept_conditions=True``), and its conditions always travel with it
  (``handling_notice`` in the released record);
- a report marked SECRET or TOP SECRET is never exported: Workbench products are
  OFFICIAL-SENSITIVE at most.

:func:`releasable` decides for one report; :func:`export_view` splits a list into what
may be released and what was withheld; :func:`export_reports` writes a CSV or JSON file
(carrying the security marking) and audits the export. Tasking packs and subject
profiles call :func:`export_view`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from workbench.domain.grading import (DEFAULT_MARKING, DESTINATIONS, HANDLING, MARKINGS,
                                      needs_conditions, permitted_destinations)
from workbench.store import Store
from workbench.domain.audit import AuditAction

def marking_rank(marking: str) -> int:
    """Order of a marking (descriptors ignored): OFFICIAL < OFFICIAL-SENSITIVE < SECRET < TOP SECRET."""
    value = marking.upper()
    return max((i for i, m in enumerate(MARKINGS) if value == m or value.startswith(m + " ")), default=1)


def check_destination(destination: str) -> str:
    """The destination, or ValueError listing the valid ones."""
    if destination not in DESTINATIONS:
        raise ValueError(f"unknown destination {destination!r}: use one of {', '.join(DESTINATIONS)}")
    return destination


def releasable(report: dict, destination: str, *, accept_conditions: bool = False) -> tuple[bool, str]:
    """May ``report``'s text go to ``destination``? Returns ``(ok, reason)``.

    ``report`` is a dict with ``grading``, ``handling``, ``handling_conditions`` and
    ``security_marking`` (as :func:`workbench.intel.search.search_reports` returns).
    The reason explains the decision either way, in words an analyst can quote.
    """
    check_destination(destination)
    system, code = report["grading"], report["handling"]
    marking = (report.get("security_marking") or DEFAULT_MARKING).upper()
    if marking_rank(marking) >= MARKINGS.index("SECRET"):
        return False, f"marked {marking}: Workbench exports are OFFICIAL-SENSITIVE at most"
    label = f"{system} handling {code}"
    meaning = HANDLING.get(system, {}).get(code, "unknown handling code")
    if needs_conditions(system, code):
        conditions = (report.get("handling_conditions") or "").strip()
        if not conditions:
            return False, f"{label}: no conditions recorded, so it cannot be shared"
        if destination in permitted_destinations(system, code):
            return True, f"{label}: within the originating agency; conditions travel with it ({conditions})"
        if accept_conditions:
            return True, f"{label}: shared on the recorded conditions ({conditions})"
        return False, f"{label}: sharing with {destination} needs its conditions accepted ({conditions})"
    if destination in permitted_destinations(system, code):
        return True, f"{label}: {meaning.lower()}"
    return False, f"{label} ({meaning.lower()}) does not permit {destination}"


@dataclass
class HandlingResult:
    """An export's content: ``released`` reports (text included, with any
    ``handling_notice``) and ``withheld`` entries (``intel_ref``, ``grade``, ``reason``)."""

    destination: str
    released: list[dict] = field(default_factory=list)
    withheld: list[dict] = field(default_factory=list)

    @property
    def marking(self) -> str:
        """The highest security marking among the released reports (the export's marking)."""
        markings = [r.get("security_marking") or DEFAULT_MARKING for r in self.released]
        return max(markings, key=marking_rank, default=DEFAULT_MARKING)

    def as_json(self) -> dict:
        return {"destination": self.destination, "marking": self.marking, "released": len(self.released),
                "withheld": self.withheld}


def export_view(reports: Sequence[dict], destination: str, *, accept_conditions: bool = False) -> HandlingResult:
    """Split ``reports`` into what may go to ``destination`` and what is withheld (and why)."""
    check_destination(destination)
    result = HandlingResult(destination)
    for report in reports:
        ok, reason = releasable(report, destination, accept_conditions=accept_conditions)
        grade = f"{report['source_eval']}{report['intel_eval']} {report['handling']}"
        if ok:
            released = dict(report)
            if needs_conditions(report["grading"], report["handling"]):
                released["handling_notice"] = f"Handling conditions: {report['handling_conditions']}"
            result.released.append(released)
        else:
            result.withheld.append({"intel_ref": report["intel_ref"], "grading": report["grading"],
                                    "grade": grade, "reason": reason})
    return result


EXPORT_COLUMNS = ("intel_ref", "recorded_at", "grading", "grade", "security_marking", "handling_notice",
                  "location_desc", "borough", "text")


def export_reports(store: Store, reports: Sequence[dict], destination: str, path: str | Path, *,
                   accept_conditions: bool = False, why: str | None = None) -> HandlingResult:
    """Write the releasable view of ``reports`` to ``path`` (``.csv`` or ``.json``) and audit it.

    CSV: a first line with the marking and destination, then one row per report; a
    withheld report keeps its row with the text replaced by ``WITHHELD: <reason>``.
    JSON: ``{"marking", "destination", "reports", "withheld"}``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"{path.name}: export to .csv or .json")
    result = export_view(reports, destination, accept_conditions=accept_conditions)
    released = [{c: r.get(c) for c in EXPORT_COLUMNS} for r in result.released]
    for rec, full in zip(released, result.released):
        rec["grade"] = f"{full['source_eval']}{full['intel_eval']} {full['handling']}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        payload = {"marking": result.marking, "destination": destination, "reports": released,
                   "withheld": result.withheld}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        withheld_rows = [{"intel_ref": w["intel_ref"], "grading": w["grading"], "grade": w["grade"],
                          "text": f"WITHHELD: {w['reason']}"} for w in result.withheld]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(f"# {result.marking} - intelligence for {destination}; "
                     f"{len(result.withheld)} report(s) withheld\n")
            writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(released + withheld_rows)
    with store.atomic():
        store.audit(AuditAction.INTEL_EXPORT, "intel_export", str(path), {
            "destination": destination, "released": [r["intel_ref"] for r in result.released],
            "withheld": result.withheld, "accept_conditions": accept_conditions, "marking": result.marking},
            why=why)
    return result
