"""Reading and writing linkage state: link decisions, confirmed series, trained models.

Writers do not open transactions or audit: they are called by the undoable commands of
:mod:`workbench.linkage.decisions` (which do both) and by ``link train``. A pair of
offences is always stored with the lower id first. A decision has a ``version``: a change
names the version its author saw and a change made meanwhile by someone else is a
:class:`~workbench.errors.Conflict`, never a silent overwrite.
"""

from __future__ import annotations

import json

import pandas as pd

from workbench.errors import BadInput, Conflict, NotAllowed
from workbench.identity import current_user
from workbench.store import audit as audit_log
from workbench.store.conflicts import conflict
from workbench.store.db import Store, now_iso
from workbench.store.offences import offence_refs


def ordered(a: int, b: int) -> tuple[int, int]:
    """A pair of offence ids, lower first (how decisions are keyed)."""
    a, b = int(a), int(b)
    if a == b:
        raise BadInput("an offence cannot be linked to itself")
    return (a, b) if a < b else (b, a)


# -- link decisions ---------------------------------------------------------------

def get_decision(store: Store, a: int, b: int) -> dict | None:
    """The decision on a pair (decision, why, user, at, version) or None."""
    a, b = ordered(a, b)
    rows = store._rows("SELECT decision, why, user, at, version FROM link_decisions "
                       "WHERE offence_a = ? AND offence_b = ?", (a, b))
    return rows[0] if rows else None


def decision_version(store: Store, a: int, b: int) -> int:
    """The version of the decision on a pair as it stands: 0 when there is none (what a
    change names as the version its author saw)."""
    found = get_decision(store, a, b)
    return int(found["version"]) if found else 0


def put_decision(store: Store, a: int, b: int, decision: str, why: str | None = None,
                 user: str | None = None, at: str | None = None, *, seen: int) -> int:
    """Record the decision on a pair over the one its author saw (``seen``: its version,
    0 for none) and return the new version; a :class:`Conflict` naming what changed if
    someone else decided on the pair meanwhile (nothing is written then)."""
    if decision not in ("confirmed", "rejected"):
        raise BadInput(f"a link decision is 'confirmed' or 'rejected', not {decision!r}")
    a, b = ordered(a, b)
    values = (decision, why, user or current_user(), at or now_iso())
    if seen:
        cur = store._conn.execute(
            "UPDATE link_decisions SET decision = ?, why = ?, user = ?, at = ?, version = version + 1 "
            "WHERE offence_a = ? AND offence_b = ? AND version = ?", (*values, a, b, int(seen)))
        written = int(seen) + 1
    else:
        written = _next_first_version(store, a, b)
        cur = store._conn.execute(
            "INSERT INTO link_decisions (decision, why, user, at, offence_a, offence_b, version) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(offence_a, offence_b) DO NOTHING", (*values, a, b, written))
    if cur.rowcount != 1:
        raise _decision_conflict(store, a, b, f"'{decision}'")
    return written


def _next_first_version(store: Store, a: int, b: int) -> int:
    """The version of a new decision on a pair: 1, or for a pair whose decision was
    withdrawn (an undone first decision) one more than the version it had, so that
    someone who saw the withdrawn one cannot decide over the new one unawares. That
    version is in the audit entry of the decision withdrawn (its newest "link" entry:
    a decision is withdrawn only while the version its own command wrote stands)."""
    last = audit_log.latest(store, "link", f"{a}-{b}")
    detail = last["detail"] if last and isinstance(last["detail"], dict) else {}
    return int(detail.get("version", 1)) + 1 if last else 1


def delete_decision(store: Store, a: int, b: int, *, seen: int) -> None:
    """Forget the decision on a pair, the version ``seen`` of it (a :class:`Conflict` if
    someone else has changed it since)."""
    a, b = ordered(a, b)
    cur = store._conn.execute("DELETE FROM link_decisions WHERE offence_a = ? AND offence_b = ? AND version = ?",
                              (a, b, int(seen)))
    if cur.rowcount != 1:
        raise _decision_conflict(store, a, b, "undo")


def _decision_conflict(store: Store, a: int, b: int, yours: str) -> Conflict:
    """What another analyst did to the pair meanwhile, as a :class:`Conflict`."""
    ref_a, ref_b = offence_refs(store, (a, b))
    now = get_decision(store, a, b)
    if now is None:
        return conflict(f"the decision on offences {ref_a} and {ref_b} was withdrawn", None, None, yours, "decide")
    return conflict(f"offences {ref_a} and {ref_b} were marked '{now['decision']}'", now["user"], now["at"],
                    yours, "decide")


def load_decisions(store: Store, decision: str | None = None) -> pd.DataFrame:
    """Decisions as a frame (offence_a, offence_b, decision, why, user, at, version, ref_a, ref_b)."""
    sql = ("SELECT d.offence_a, d.offence_b, d.decision, d.why, d.user, d.at, d.version, "
           "a.offence_ref AS ref_a, b.offence_ref AS ref_b FROM link_decisions d "
           "JOIN offences a ON a.id = d.offence_a JOIN offences b ON b.id = d.offence_b")
    params: list = []
    if decision:
        sql += " WHERE d.decision = ?"
        params.append(decision)
    return store._frame(sql + " ORDER BY d.at, d.offence_a, d.offence_b", params)


# -- series -----------------------------------------------------------------------

def create_series(store: Store, name: str, notes: str = "", *, series_id: int | None = None,
                  user: str | None = None, created_at: str | None = None) -> int:
    """A new (empty) confirmed series; returns its id (``series_id`` re-creates one)."""
    return store._insert("link_series", {"id": series_id, "name": name, "notes": notes or "",
                                         "created_at": created_at or now_iso(),
                                         "created_by": user or current_user()})


def delete_series(store: Store, series_id: int) -> None:
    """Remove a series and its memberships (the offences stay)."""
    store._conn.execute("DELETE FROM link_series WHERE id = ?", (int(series_id),))


def rename_series(store: Store, series_id: int, name: str | None = None, notes: str | None = None) -> None:
    """Change a series' name and/or notes."""
    if name is not None:
        store._conn.execute("UPDATE link_series SET name = ? WHERE id = ?", (name, int(series_id)))
    if notes is not None:
        store._conn.execute("UPDATE link_series SET notes = ? WHERE id = ?", (notes, int(series_id)))


def add_members(store: Store, series_id: int, offence_ids, *, why: str | None = None,
                user: str | None = None) -> None:
    """Put offences in a series; an offence already in another series is refused."""
    for oid in offence_ids:
        other = series_of(store, int(oid))
        if other is not None and other != int(series_id):
            ref = store._conn.execute("SELECT offence_ref FROM offences WHERE id = ?", (int(oid),)).fetchone()
            raise NotAllowed(f"offence {ref[0] if ref else oid} is already in series {other}; "
                             "remove it from that series or merge the two")
        store._conn.execute(
            "INSERT OR IGNORE INTO link_series_members (series_id, offence_id, added_at, added_by, why) "
            "VALUES (?,?,?,?,?)", (int(series_id), int(oid), now_iso(), user or current_user(), why))


def remove_members(store: Store, series_id: int, offence_ids) -> None:
    """Take offences out of a series."""
    store._conn.executemany("DELETE FROM link_series_members WHERE series_id = ? AND offence_id = ?",
                           [(int(series_id), int(o)) for o in offence_ids])


def series_of(store: Store, offence_id: int) -> int | None:
    """The confirmed series an offence is in, or None."""
    row = store._conn.execute("SELECT series_id FROM link_series_members WHERE offence_id = ?",
                             (int(offence_id),)).fetchone()
    return int(row[0]) if row else None


def series_members(store: Store, series_id: int) -> list[int]:
    """Offence ids of a series, in time order."""
    return [r[0] for r in store._conn.execute(
        "SELECT m.offence_id FROM link_series_members m JOIN offences o ON o.id = m.offence_id "
        "WHERE m.series_id = ? ORDER BY o.committed_from, o.id", (int(series_id),))]


def list_series(store: Store) -> list[dict]:
    """Every confirmed series: id, name, notes, created_at, created_by, offence ids."""
    out = []
    for sid, name, notes, at, by in store._conn.execute(
            "SELECT id, name, notes, created_at, created_by FROM link_series ORDER BY id"):
        out.append({"id": sid, "name": name, "notes": notes, "created_at": at, "created_by": by,
                    "offence_ids": series_members(store, sid)})
    return out


def get_series(store: Store, series_id: int) -> dict | None:
    """One confirmed series as in :func:`list_series`, or None."""
    rows = store._rows("SELECT id, name, notes, created_at, created_by FROM link_series WHERE id = ?",
                       (int(series_id),))
    series = rows[0] if rows else None
    if series is not None:
        series["offence_ids"] = series_members(store, series["id"])
    return series


def snapshot_series(store: Store, series_id: int) -> dict | None:
    """Everything about a series (for undo): its row and member rows."""
    row = store._conn.execute("SELECT id, name, notes, created_at, created_by FROM link_series WHERE id = ?",
                             (int(series_id),)).fetchone()
    if row is None:
        return None
    members = store._conn.execute(
        "SELECT offence_id, added_at, added_by, why FROM link_series_members WHERE series_id = ?",
        (int(series_id),)).fetchall()
    return {"row": row, "members": members}


def restore_series(store: Store, snapshot: dict) -> None:
    """Put a series back exactly as :func:`snapshot_series` saw it."""
    store._conn.execute("INSERT INTO link_series (id, name, notes, created_at, created_by) VALUES (?,?,?,?,?)",
                       snapshot["row"])
    sid = snapshot["row"][0]
    store._conn.executemany(
        "INSERT INTO link_series_members (series_id, offence_id, added_at, added_by, why) VALUES (?,?,?,?,?)",
        [(sid, *m) for m in snapshot["members"]])


def confirmed_member_pairs(store: Store) -> pd.DataFrame:
    """(series_id, offence_id) of every confirmed series member (labels for training)."""
    return store._frame("SELECT series_id, offence_id FROM link_series_members")


# -- models -----------------------------------------------------------------------

def save_model(store: Store, group: str, method: str, blob: bytes | None, *, is_default: bool,
               n_offences: int, n_pairs: int, n_linked: int, metrics: dict, columns: list[str],
               user: str | None = None) -> int:
    """Store a trained model for a crime group and make it the active one."""
    store._conn.execute("UPDATE link_models SET active = 0 WHERE crime_group = ?", (group,))
    return store._insert("link_models", {
        "crime_group": group, "method": method, "is_default": int(is_default), "created_at": now_iso(),
        "created_by": user or current_user(), "n_offences": n_offences, "n_pairs": n_pairs,
        "n_linked": n_linked, "metrics": json.dumps(metrics, default=float), "columns": json.dumps(columns),
        "model": blob, "active": 1})


def active_models(store: Store) -> dict[str, dict]:
    """The active model record of each crime group (with the pickled ``model`` bytes)."""
    out = {}
    for rec in store._rows("SELECT id, crime_group, method, is_default, created_at, created_by, n_offences, "
                           "n_pairs, n_linked, metrics, columns, model FROM link_models WHERE active = 1"):
        rec["metrics"] = json.loads(rec["metrics"])
        rec["columns"] = json.loads(rec["columns"])
        rec["is_default"] = bool(rec["is_default"])
        out[rec["crime_group"]] = rec
    return out


def decisions_for(store: Store, offence_id: int) -> dict[int, str]:
    """The decisions on one offence's links: the other offence's id -> decision."""
    oid = int(offence_id)
    rows = store._conn.execute(
        "SELECT offence_a, offence_b, decision FROM link_decisions WHERE offence_a = ? OR offence_b = ?", (oid, oid))
    return {int(b if a == oid else a): d for a, b, d in rows}


def change_stamp(store: Store) -> tuple:
    """Changes whenever this store's data may have changed (by this connection or any
    other): cached linkage data and models are rebuilt when it differs. Costs no scan.

    On SQLite that is the file's data version; on a team store, the newest audit entry
    (every import, decision and training is audited) and this connection's own changes."""
    if store.engine == "postgresql":
        version = store._value("SELECT last_id FROM audit_head") or 0
    else:
        version = store._value("PRAGMA data_version")
    return (store.location, int(version), int(store._conn.total_changes))
