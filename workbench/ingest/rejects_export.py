"""Rejected rows written as CSV for fixing: the one rejects export, for the app and tests.

A rejected row is the analyst's own input, so it goes only to ``internal``. A row that
carries a security marking (an intelligence row's ``security_marking``) is released only
when that marking is within what Workbench may release: a row refused because it is
marked SECRET is listed by file, line and reason but its content is never written. A
marking that cannot be read counts as the highest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.domain.audit import AuditAction
from workbench.domain.grading import MARKINGS, normalise_marking
from workbench.release import Content, Fact, Output, Released, export, policy, release, write_csv

FIXED = ("file", "line", "column", "reason")


def _marking(raw: dict) -> str | None:
    value = raw.get("security_marking")
    if value is None or not str(value).strip():
        return None
    return normalise_marking(str(value)) or MARKINGS[-1]


def rejects_content(rejects: Sequence) -> Content:
    """Rejects before the gate: each row a fact of the store's input with its own marking."""
    facts = [Fact({"file": r.file, "line": r.line, "column": r.column or "", "reason": r.reason, "raw": dict(r.raw)},
                  recorded=True, marking=_marking(r.raw)) for r in rejects]
    return Content(facts={"rejects": facts}, records=True)


def write_rejects_csv(released: Released, path: Path) -> None:
    """Released rejects with their reasons, the original columns after them; the marking
    on the first line, cells safe from formula injection."""
    rows = released.facts["rejects"]
    columns: list[str] = []
    for r in rows:
        columns += [c for c in r["raw"] if c not in columns]
    held = released.facts_withheld.get("rejects", 0)
    title = "rejected rows" + (f"; {held} row(s) marked above {released.marking} not written" if held else "")
    write_csv(path, released, [*FIXED, *columns],
              ([r["file"], r["line"], r["column"], r["reason"], *[r["raw"].get(c, "") for c in columns]] for r in rows),
              title=title)


def export_rejects(store, rejects: Sequence, path: str | Path, *, force: bool = False) -> Released:
    """Release ``rejects`` (for ``internal``) and write them to ``path``, audited as
    ``export.rejects``."""
    released = release(rejects_content(rejects), policy(store, "internal"))
    export(store, released, [Output(Path(path), write_rejects_csv)], action=AuditAction.EXPORT_REJECTS, object_type="rejects",
           object_id=str(path), detail={"rows": len(released.facts["rejects"])}, force=force)
    return released
