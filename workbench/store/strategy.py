"""Reading and writing the control strategy (priorities and intelligence requirements),
assessments as products, the population table and the settings list.

Writers run inside the caller's :meth:`Store.atomic` and return what they wrote;
readers return plain dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from workbench.domain.audit import AuditAction
from workbench.store.db import Store, now_iso
from workbench.store.tasking import _dump

# -- settings ---------------------------------------------------------------------

def all_settings(store: Store) -> dict[str, str]:
    """Every store-wide setting, by key."""
    return dict(store._conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall())


def write_setting(store: Store, key: str, value: str | None) -> None:
    """Set (or, with ``None``, remove) one setting without auditing (the caller audits)."""
    if value is None:
        store._conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    else:
        store._conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


# -- priorities and intelligence requirements -------------------------------------

def insert_priority(store: Store, name: str, categories: list[str], owner: str, user: str,
                    *, priority_id: int | None = None) -> int:
    """Add a priority; return its id."""
    return store._insert("priorities", {"id": priority_id, "name": name, "categories": _dump(sorted(categories)),
                                        "owner": owner, "created_at": now_iso(), "created_by": user})


def delete_priority(store: Store, priority_id: int) -> None:
    """Remove a priority (undo of its creation)."""
    store._conn.execute("DELETE FROM priorities WHERE id = ?", (priority_id,))


def set_priority_retired(store: Store, priority_id: int, retired_at: str | None) -> None:
    """Retire a priority (``retired_at`` a date) or bring it back (None)."""
    store._conn.execute("UPDATE priorities SET retired_at = ? WHERE id = ?", (retired_at, priority_id))


def list_priorities(store: Store, *, include_retired: bool = False) -> list[dict]:
    """Priorities (oldest first) with their categories and intelligence requirements."""
    sql = "SELECT * FROM priorities" + ("" if include_retired else " WHERE retired_at IS NULL") + " ORDER BY id"
    out = store._rows(sql)
    requirements = list_requirements(store, include_retired=include_retired)
    for row in out:
        row["categories"] = json.loads(row["categories"])
        row["requirements"] = [r for r in requirements if r["priority_id"] == row["id"]]
    return out


def find_priority(store: Store, key: str | int) -> dict | None:
    """A priority (retired or not) by id or by name (case-insensitive), or None."""
    text = str(key).strip()
    rows = store._rows("SELECT * FROM priorities WHERE id = ? OR lower(name) = lower(?)",
                 (int(text) if text.isdigit() else -1, text))
    if not rows:
        return None
    rows[0]["categories"] = json.loads(rows[0]["categories"])
    return rows[0]


def insert_requirement(store: Store, priority_id: int, text: str, search_name: str | None, user: str) -> int:
    """Add an intelligence requirement under a priority; return its id."""
    return store._insert("intel_requirements", {"priority_id": priority_id, "text": text, "search_name": search_name,
                                                "created_at": now_iso(), "created_by": user})


def delete_requirement(store: Store, requirement_id: int) -> None:
    store._conn.execute("DELETE FROM intel_requirements WHERE id = ?", (requirement_id,))


def list_requirements(store: Store, *, include_retired: bool = False) -> list[dict]:
    """Intelligence requirements with the name of their priority."""
    where = "" if include_retired else " WHERE r.retired_at IS NULL AND p.retired_at IS NULL"
    return store._rows("SELECT r.*, p.name AS priority FROM intel_requirements r "
                        f"JOIN priorities p ON p.id = r.priority_id{where} ORDER BY r.id")


# -- assessments (products with a QA workflow) ------------------------------------

ASSESSMENT_COLUMNS = ("reference", "kind", "status", "title", "borough", "author", "period_from", "period_to")


def next_assessment_reference(store: Store, kind: str, year: int) -> str:
    """The next free reference, e.g. ``TA/2025/0003`` (tactical) or ``SA/2025/0001``."""
    prefix = f"{'TA' if kind == 'tactical' else 'SA'}/{year}/"
    row = store._conn.execute(
        "SELECT max(CAST(substr(reference, ?) AS INTEGER)) FROM assessments WHERE reference LIKE ?",
        (len(prefix) + 1, prefix + "%")).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert_assessment(store: Store, body: dict) -> int:
    """Store an assessment from its body (which holds the mirrored columns); return its id."""
    stamp = now_iso()
    return store._insert("assessments", {**{c: body.get(c) for c in ASSESSMENT_COLUMNS},
                                         "created_at": stamp, "updated_at": stamp, "body": _dump(body)})


def save_assessment(store: Store, assessment_id: int, body: dict) -> None:
    """Replace an assessment's body (and the mirrored columns)."""
    sets = ", ".join(f"{c} = ?" for c in ASSESSMENT_COLUMNS)
    store._conn.execute(f"UPDATE assessments SET {sets}, updated_at = ?, body = ? WHERE id = ?",
                       (*(body.get(c) for c in ASSESSMENT_COLUMNS), now_iso(), _dump(body), assessment_id))


def delete_assessment(store: Store, assessment_id: int) -> None:
    store._conn.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))


def load_assessment(store: Store, key: str | int) -> dict | None:
    """An assessment's body with ``id``, ``created_at``, ``updated_at``, by id or reference."""
    text = str(key).strip()
    row = store._conn.execute("SELECT id, created_at, updated_at, body FROM assessments WHERE id = ? OR reference = ?",
                             (int(text) if text.isdigit() else -1, text)).fetchone()
    if row is None:
        return None
    body = json.loads(row[3])
    body.update(id=row[0], created_at=row[1], updated_at=row[2])
    return body


def list_assessments(store: Store, statuses: Iterable[str] | None = None) -> list[dict]:
    """Summary rows of assessments, newest first."""
    statuses = list(statuses or [])
    where = f" WHERE status IN ({','.join('?' * len(statuses))})" if statuses else ""
    return store._rows(f"SELECT id, {', '.join(ASSESSMENT_COLUMNS)}, created_at, updated_at FROM assessments"
                        f"{where} ORDER BY id DESC", statuses)


def latest_approved_assessment(store: Store, kind: str, on_or_before: str) -> dict | None:
    """The newest approved assessment of ``kind`` whose period ends by ``on_or_before``."""
    row = store._conn.execute("SELECT id FROM assessments WHERE kind = ? AND status = 'approved' AND period_to <= ? "
                             "ORDER BY period_to DESC, id DESC LIMIT 1", (kind, on_or_before)).fetchone()
    return load_assessment(store, row[0]) if row else None


# -- products register ------------------------------------------------------------

def product_rows(store: Store) -> list[dict]:
    """Every PATP, assessment and issued subject profile as ``{kind, id, reference, title,
    author, date, status, text}``, where ``text`` is the whole stored document (for
    searching). A subject profile is registered by its audited export (the audit entry
    names the person, the destination, the file and what was withheld)."""
    rows = store._rows("SELECT 'patp' AS kind, id, reference, title, author, substr(created_at, 1, 10) AS date, "
                        "status, body AS text FROM patps "
                        "UNION ALL SELECT kind || ' assessment', id, reference, title, author, "
                        "substr(created_at, 1, 10), status, body FROM assessments "
                        "UNION ALL SELECT 'subject profile', id, object_id, 'Subject profile of ' || object_id, user, "
                        "substr(at, 1, 10), 'issued', detail FROM audit_log WHERE action = ? "
                        "ORDER BY date DESC, reference", [AuditAction.EXPORT_PROFILE.value])
    return rows


# -- population -------------------------------------------------------------------

class PopulationWriter:
    """Writes population rows for :func:`workbench.ingest.offence_import.run_import`: a code
    imported again replaces its earlier figure (counted as imported, not duplicate)."""

    def __init__(self, store: Store, batch_id: int | None):
        self.store, self.batch_id = store, batch_id
        self.imported = self.duplicates = 0

    def write(self, records) -> list[str]:
        stamp = now_iso()
        self.store._conn.executemany(
            "INSERT INTO populations (area_code, area_name, residents, imported_at) VALUES (?,?,?,?) "
            "ON CONFLICT(area_code) DO UPDATE SET area_name = excluded.area_name, residents = excluded.residents, "
            "imported_at = excluded.imported_at",
            [(r["area_code"], r["area_name"], r["residents"], stamp) for r in records])
        self.imported += len(records)
        return [r["area_code"] for r in records]


def populations(store: Store) -> dict[str, int]:
    """Residents by area code, and by area name where one was given (names match boroughs and wards)."""
    out: dict[str, int] = {}
    for code, name, residents in store._conn.execute("SELECT area_code, area_name, residents FROM populations"):
        out[code] = residents
        if name:
            out.setdefault(name, residents)
    return out
