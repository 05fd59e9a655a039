"""Intelligence exports: search results written as CSV or JSON through the release gate.

Destinations and what each handling code permits are defined (and explained) in
:mod:`workbench.domain.grading`; the rules themselves (handling codes, a 3x5x2 ``C``
report's conditions, nothing above OFFICIAL-SENSITIVE) are applied by the one release
gate, :mod:`workbench.release`. :func:`export_reports` is the one intelligence export
service, used by the command line and the app alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput
from workbench.release import (
    Content,
    Output,
    Released,
    export,
    policy,
    release,
    write_csv,
)
from workbench.store import Store

EXPORT_COLUMNS = ("intel_ref", "recorded_at", "grading", "grade", "security_marking", "handling_notice",
                  "location_desc", "borough", "text")
FORMATS = (".csv", ".json")


def _grade(report) -> str:
    return f"{report['source_eval']}{report['intel_eval']} {report['handling']}"


def _rows(released: Released) -> list[dict]:
    rows = []
    for report in released.reports:
        row = {c: report.get(c) for c in EXPORT_COLUMNS}
        row["grade"] = _grade(report)
        rows.append(row)
    return rows


def write_json(released: Released, path: Path) -> None:
    """``{"marking", "destination", "reports", "withheld"}`` (marking first)."""
    payload = {"marking": released.marking, "destination": released.destination, "reports": _rows(released),
               "withheld": [dict(w) for w in released.withheld]}
    Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def write_reports_csv(released: Released, path: Path) -> None:
    """The marking on the first line, one row per released report, then one row per
    withheld report with only its reference and ``WITHHELD: <reason>``."""
    rows = [[r.get(c) for c in EXPORT_COLUMNS] for r in _rows(released)]
    rows += [[w["intel_ref"]] + [""] * (len(EXPORT_COLUMNS) - 2) + [f"WITHHELD: {w['reason']}"] for w in released.withheld]
    write_csv(path, released, EXPORT_COLUMNS, rows,
              title=f"intelligence for {released.destination}; {len(released.withheld)} report(s) withheld")


def export_reports(store: Store, reports: Sequence[dict], destination: str, path: str | Path, *,
                   accept_conditions: bool = False, why: str | None = None, force: bool = False) -> Released:
    """Release ``reports`` for ``destination`` and write them to ``path`` (``.csv`` or
    ``.json``), audited as ``export.intel``; return the :class:`Released` value."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise BadInput(f"{path.name}: export to .csv or .json")
    released = release(Content(reports=reports), policy(store, destination, accept_conditions=accept_conditions))
    writer = write_json if path.suffix.lower() == ".json" else write_reports_csv
    export(store, released, [Output(path, writer)], action=AuditAction.EXPORT_INTEL, object_type="intel_export",
           object_id=str(path), why=why, force=force)
    return released
