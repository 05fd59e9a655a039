"""Reading and writing tasking records: PATPs, their workflow history, TTCG meetings
(agenda, decisions, actions) and the returns received from other boroughs.

Writers run inside the caller's :meth:`Store.atomic` (the tasking commands open it) and
return the id they wrote; readers return plain dicts so the analysis and report code
never sees SQL. A PATP's content is one JSON document (``body``); the indexed columns
beside it are kept in step here and nowhere else. A PATP has a ``version``: a save names
the version its author saw, and a save made meanwhile by someone else is a
:class:`~workbench.errors.Conflict`, never a silent overwrite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from workbench.errors import NotFound
from workbench.store import audit as audit_log
from workbench.store.conflicts import conflict
from workbench.store.db import Store, now_iso

#: Columns of ``patps`` mirrored from the body for lists and queues.
PATP_COLUMNS = ("reference", "status", "title", "borough", "author", "meeting_id")
#: The version of a PATP as first stored (each save adds one).
FIRST_PATP_VERSION = 1


# -- PATPs ------------------------------------------------------------------------

def next_patp_reference(store: Store, year: int) -> str:
    """The next free reference of the form ``PATP/2025/0007``."""
    prefix = f"PATP/{year}/"
    row = store._conn.execute(
        "SELECT max(CAST(substr(reference, ?) AS INTEGER)) FROM patps WHERE reference LIKE ?",
        (len(prefix) + 1, prefix + "%")).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert_patp(store: Store, body: dict, *, patp_id: int | None = None) -> int:
    """Insert a PATP from its body (which holds every field) at :data:`FIRST_PATP_VERSION`;
    return its id.

    ``patp_id`` re-creates a PATP under its old id (redo of an undone creation).
    """
    stamp = now_iso()
    return store._insert("patps", {"id": patp_id, **{c: body.get(c) for c in PATP_COLUMNS},
                                   "created_at": stamp, "updated_at": stamp, "body": _dump(body),
                                   "version": FIRST_PATP_VERSION})


def save_patp_body(store: Store, patp_id: int, body: dict, *, seen: int, yours: str, then: str) -> int:
    """Replace a PATP's body (and the mirrored columns) over the version its author saw
    (``seen``) and return the new version; a :class:`Conflict` saying what changed if
    someone else saved the PATP meanwhile (``yours`` names the refused change, e.g. "edit
    of owner", ``then`` what to do after looking again, e.g. "edit")."""
    sets = ", ".join(f"{c} = ?" for c in PATP_COLUMNS)
    cur = store._conn.execute(
        f"UPDATE patps SET {sets}, updated_at = ?, body = ?, version = version + 1 WHERE id = ? AND version = ?",
        (*(body.get(c) for c in PATP_COLUMNS), now_iso(), _dump(body), patp_id, int(seen)))
    if cur.rowcount == 0:
        require_patp_version(store, patp_id, seen, yours, then)
    return int(seen) + 1


def require_patp_version(store: Store, patp_id: int, seen: int, yours: str, then: str) -> None:
    """Nothing if the PATP is still at version ``seen``; else a :class:`Conflict` naming
    who changed it, when and how (from the audit log), or :class:`NotFound`."""
    rows = store._rows("SELECT reference, status, version FROM patps WHERE id = ?", (patp_id,))
    if not rows:
        raise NotFound(f"no PATP with id {patp_id}")
    if rows[0]["version"] == int(seen):
        return
    last = audit_log.latest(store, "patp", patp_id) or {}
    detail = last.get("detail") if isinstance(last.get("detail"), dict) else {}
    if detail.get("fields"):
        what = f"edited ({', '.join(detail['fields'])})"
    elif detail.get("to"):
        what = f"moved from {detail.get('from')} to {detail['to']}"
    else:
        what = f"changed (now {rows[0]['status']})"
    raise conflict(f"{rows[0]['reference']} was {what}", last.get("user"), last.get("at"), yours, then)


def delete_patp(store: Store, patp_id: int) -> None:
    """Remove a PATP and its history (undo of its creation)."""
    store._conn.execute("DELETE FROM patps WHERE id = ?", (patp_id,))


def load_patp_body(store: Store, patp_id: int) -> dict | None:
    """The stored body of a PATP with ``id``, ``created_at``/``updated_at`` and ``version``, or None."""
    row = store._conn.execute(
        "SELECT id, created_at, updated_at, version, body FROM patps WHERE id = ?", (patp_id,)).fetchone()
    if row is None:
        return None
    body = json.loads(row[4])
    body.update(id=row[0], created_at=row[1], updated_at=row[2], version=row[3])
    return body


def resolve_patp(store: Store, key: str | int) -> int:
    """A PATP's id from its id or its reference; ValueError naming the key if unknown."""
    text = str(key).strip()
    row = None
    if text.isdigit():
        row = store._conn.execute("SELECT id FROM patps WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        row = store._conn.execute("SELECT id FROM patps WHERE reference = ?", (text,)).fetchone()
    if row is None:
        raise NotFound(f"no PATP {text!r} (give its id or reference; see `workbench patp list`)")
    return row[0]


def list_patps(store: Store, statuses: Iterable[str] | None = None) -> list[dict]:
    """Summary rows of PATPs (newest first), optionally only in some statuses."""
    sql = ("SELECT id, reference, status, title, borough, author, meeting_id, created_at, updated_at "
           "FROM patps")
    params: list = []
    statuses = list(statuses or [])
    if statuses:
        sql += f" WHERE status IN ({','.join('?' * len(statuses))})"
        params = statuses
    return store._rows(sql + " ORDER BY id DESC", params)


def add_transition(store: Store, patp_id: int, action: str, from_status: str, to_status: str,
                   user: str, comment: str | None) -> int:
    """Record one workflow transition; return its id."""
    return store._insert("patp_transitions", {"patp_id": patp_id, "action": action, "from_status": from_status,
                                              "to_status": to_status, "at": now_iso(), "user": user,
                                              "comment": comment})


def delete_transition(store: Store, transition_id: int) -> None:
    """Remove a transition record (undo of the transition)."""
    store._conn.execute("DELETE FROM patp_transitions WHERE id = ?", (transition_id,))


def transitions(store: Store, patp_id: int) -> list[dict]:
    """A PATP's workflow history, oldest first."""
    return store._rows("SELECT id, action, from_status, to_status, at, user, comment "
                        "FROM patp_transitions WHERE patp_id = ? ORDER BY id", (patp_id,))


# -- TTCG meetings ----------------------------------------------------------------

def insert_meeting(store: Store, held_on: str, period_from: str, period_to: str, *, borough: str | None,
                   chair: str | None, user: str, agenda: list[dict]) -> int:
    """Create a meeting with its agenda; return its id."""
    return store._insert("ttcg_meetings", {"held_on": held_on, "period_from": period_from, "period_to": period_to,
                                           "borough": borough, "chair": chair, "created_at": now_iso(),
                                           "created_by": user, "agenda": _dump(agenda)})


def save_agenda(store: Store, meeting_id: int, agenda: list[dict]) -> None:
    """Replace a meeting's agenda."""
    store._conn.execute("UPDATE ttcg_meetings SET agenda = ? WHERE id = ?", (_dump(agenda), meeting_id))


def delete_meeting(store: Store, meeting_id: int) -> None:
    """Remove a meeting (undo of its creation); its decisions and actions go with it."""
    store._conn.execute("DELETE FROM ttcg_meetings WHERE id = ?", (meeting_id,))


def load_meeting(store: Store, meeting_id: int) -> dict | None:
    """One meeting with its agenda, decisions and actions, or None."""
    rows = store._rows("SELECT * FROM ttcg_meetings WHERE id = ?", (meeting_id,))
    if not rows:
        return None
    meeting = rows[0]
    meeting["agenda"] = json.loads(meeting["agenda"])
    meeting["decisions"] = store._rows("SELECT * FROM ttcg_decisions WHERE meeting_id = ? ORDER BY id",
                                 (meeting_id,))
    meeting["actions"] = list_actions(store, meeting_id=meeting_id)
    return meeting


def list_meetings(store: Store) -> list[dict]:
    """Every meeting (newest first) without agenda detail."""
    return store._rows("SELECT m.id, m.held_on, m.period_from, m.period_to, m.borough, m.chair, "
                        "(SELECT count(*) FROM ttcg_decisions d WHERE d.meeting_id = m.id) AS decisions, "
                        "(SELECT count(*) FROM ttcg_actions a WHERE a.meeting_id = m.id) AS actions "
                        "FROM ttcg_meetings m ORDER BY m.held_on DESC, m.id DESC")


def last_meeting_date(store: Store) -> str | None:
    """The date of the latest meeting, or None."""
    return store._conn.execute("SELECT max(held_on) FROM ttcg_meetings").fetchone()[0]


def add_decision(store: Store, meeting_id: int, patp_id: int | None, subject: str, decision: str,
                 reasons: str, user: str) -> int:
    """Append to a meeting's decision log; return the decision's id."""
    return store._insert("ttcg_decisions", {"meeting_id": meeting_id, "patp_id": patp_id, "subject": subject,
                                            "decision": decision, "reasons": reasons, "at": now_iso(),
                                            "user": user})


def delete_decision(store: Store, decision_id: int) -> None:
    store._conn.execute("DELETE FROM ttcg_decisions WHERE id = ?", (decision_id,))


def add_action(store: Store, *, meeting_id: int | None, patp_id: int | None, description: str,
               owner: str, due_date: str, status: str = "open") -> int:
    """Record an action (owner, due date, status); return its id."""
    stamp = now_iso()
    return store._insert("ttcg_actions", {"meeting_id": meeting_id, "patp_id": patp_id, "description": description,
                                          "owner": owner, "due_date": due_date, "status": status,
                                          "created_at": stamp, "updated_at": stamp})


def set_action_status(store: Store, action_id: int, status: str, note: str | None = None) -> dict:
    """Change an action's status (and note; ``closed_at`` set when it is done or cancelled);
    return what it had (``status``, ``note``, ``closed_at``, ``updated_at``) for undo."""
    rows = store._rows("SELECT status, note, closed_at, updated_at FROM ttcg_actions WHERE id = ?", (action_id,))
    if not rows:
        raise NotFound(f"no action with id {action_id} (see `workbench meeting agenda ID`)")
    stamp = now_iso()
    closed = stamp if status in ("done", "cancelled") else None
    store._conn.execute("UPDATE ttcg_actions SET status = ?, note = coalesce(?, note), closed_at = ?, updated_at = ? "
                        "WHERE id = ?", (status, note, closed, stamp, action_id))
    return rows[0]


def restore_action_status(store: Store, action_id: int, old: dict) -> None:
    """Put back what :func:`set_action_status` returned (undo)."""
    store._conn.execute("UPDATE ttcg_actions SET status = ?, note = ?, closed_at = ?, updated_at = ? WHERE id = ?",
                       (old["status"], old["note"], old["closed_at"], old["updated_at"], action_id))


def patp_row(store: Store, patp_id: int) -> dict | None:
    """A PATP's summary row (as :func:`list_patps` gives), or None."""
    rows = store._rows("SELECT id, reference, status, title, borough, author, meeting_id, created_at, updated_at "
                        "FROM patps WHERE id = ?", (patp_id,))
    return rows[0] if rows else None


def delete_action(store: Store, action_id: int) -> None:
    store._conn.execute("DELETE FROM ttcg_actions WHERE id = ?", (action_id,))


def list_actions(store: Store, *, meeting_id: int | None = None, patp_id: int | None = None) -> list[dict]:
    """Actions of a meeting and/or a PATP (all when neither is given), by due date."""
    clauses, params = [], []
    if meeting_id is not None:
        clauses.append("a.meeting_id = ?")
        params.append(meeting_id)
    if patp_id is not None:
        clauses.append("a.patp_id = ?")
        params.append(patp_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return store._rows("SELECT a.*, p.reference AS patp_reference FROM ttcg_actions a "
                        f"LEFT JOIN patps p ON p.id = a.patp_id{where} ORDER BY a.due_date, a.id", params)


# -- returns from other boroughs --------------------------------------------------

def find_return(store: Store, borough: str, period_from: str, period_to: str, file_hash: str) -> int | None:
    """The id of an identical return already imported, or None."""
    row = store._conn.execute(
        "SELECT id FROM returns_received WHERE borough = ? AND period_from = ? AND period_to = ? AND file_hash = ?",
        (borough, period_from, period_to, file_hash)).fetchone()
    return row[0] if row else None


def insert_return(store: Store, header: dict, items: Iterable[tuple[str, str, dict]], user: str) -> int:
    """Store one received return (header + (kind, key, body) items); return its id."""
    return_id = store._insert("returns_received", {
        **{k: header.get(k) for k in ("borough", "period_from", "period_to", "schema_version", "generated_at",
                                      "file_name", "file_hash")}, "imported_at": now_iso(), "user": user})
    store._conn.executemany(
        "INSERT INTO return_items (return_id, kind, item_key, body) VALUES (?,?,?,?)",
        ((return_id, kind, key, _dump(body)) for kind, key, body in items))
    return return_id


def received_items(store: Store, kind: str | None = None) -> list[dict]:
    """Items of every received return, with the borough that sent them."""
    sql = ("SELECT i.id, i.return_id, r.borough, r.period_from, r.period_to, i.kind, i.item_key, i.body "
           "FROM return_items i JOIN returns_received r ON r.id = i.return_id")
    params: tuple = ()
    if kind:
        sql += " WHERE i.kind = ?"
        params = (kind,)
    out = store._rows(sql + " ORDER BY i.id", params)
    for row in out:
        row["body"] = json.loads(row["body"])
    return out


def list_returns(store: Store) -> list[dict]:
    """Every received return (header only), newest import first."""
    return store._rows("SELECT r.*, (SELECT count(*) FROM return_items i WHERE i.return_id = r.id) AS items "
                        "FROM returns_received r ORDER BY r.id DESC")


# -- helpers ----------------------------------------------------------------------

def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
