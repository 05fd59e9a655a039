"""The audit log is a hash chain: `workbench audit verify` catches an entry edited, deleted
or moved with a database tool (the sqlite3 module or shell, psql), even after the
append-only triggers are dropped, on both engines."""

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from sqlpeek import sql

from workbench.cli import main
from workbench.domain.audit import AuditAction
from workbench.store import audit as audit_log
from workbench.store import migrations, open_store, postgres

TRIGGERS = {"audit_log_no_update": "audit_log", "audit_log_no_delete": "audit_log",
            "audit_head_no_delete": "audit_head"}
DROP_TRIGGERS = "".join(f"DROP TRIGGER {name};" for name in TRIGGERS)     # for the sqlite3 shell


def five_entries(location: str) -> str:
    with open_store(location) as store:
        for n in range(5):
            store.audit(AuditAction.EXPORT_INTEL, "intel_export", f"file{n}.csv", {"reports": n})
    return location


def admin(location: str):
    """A connection of the store's owner with a database tool of their own (the sqlite3
    module, or a PostgreSQL login that owns the tables), outside Workbench; autocommit."""
    if postgres.is_url(location):
        return postgres.PgConnection(psycopg.connect(location, autocommit=True))
    return sqlite3.connect(location, isolation_level=None)


def drop_triggers(conn) -> None:
    """What an administrator can do: drop the append-only triggers."""
    for name, table in TRIGGERS.items():
        conn.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if isinstance(conn, postgres.PgConnection) else ""))


def tamper(location: str, script: str) -> None:
    """Drop the triggers, then change the log with the statements of ``script``."""
    conn = admin(location)
    drop_triggers(conn)
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.close()


def verify(capsys, location: str) -> dict:
    assert main(["--db", str(location), "audit", "verify", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_untouched_log_verifies_with_exactly_the_contract_keys(new_store, capsys):
    location = five_entries(new_store())
    assert verify(capsys, location) == {"entries": 5, "ok": True, "first_bad": None}


def test_an_empty_log_verifies(empty_db, capsys):
    assert verify(capsys, empty_db) == {"entries": 0, "ok": True, "first_bad": None}


def test_the_triggers_refuse_update_and_delete(new_store):
    conn = admin(five_entries(new_store()))
    with pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only: its entries cannot be changed"):
        conn.execute("UPDATE audit_log SET user = 'someone.else' WHERE id = 2")
    with pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only: its entries cannot be deleted"):
        conn.execute("DELETE FROM audit_log WHERE id = 2")
    with pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only: its head cannot be deleted"):
        conn.execute("DELETE FROM audit_head")
    assert conn.execute("SELECT count(*) FROM audit_log WHERE user = 'test.analyst'").fetchone()[0] == 5
    conn.close()


@pytest.mark.parametrize("script, entries, first_bad", [
    pytest.param("UPDATE audit_log SET detail = '{\"reports\": 99}' WHERE id = 3", 5, 3, id="edited"),
    pytest.param("DELETE FROM audit_log WHERE id = 2", 4, 3, id="deleted"),
    pytest.param("DELETE FROM audit_log WHERE id >= 4", 3, 4, id="newest-deleted"),
    pytest.param("UPDATE audit_log SET id = -2 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 4; "
                 "UPDATE audit_log SET id = 4 WHERE id = -2", 5, 2, id="reordered"),
])
def test_an_entry_edited_deleted_or_moved_is_caught(new_store, capsys, script, entries, first_bad):
    location = five_entries(new_store())
    tamper(location, script)
    assert verify(capsys, location) == {"entries": entries, "ok": False, "first_bad": first_bad}


def test_an_edit_with_its_own_hash_recomputed_is_caught_at_the_next_entry(new_store, capsys):
    location = five_entries(new_store())
    conn = admin(location)
    drop_triggers(conn)
    row = conn.execute("SELECT id, at, 'someone.else', action, object_type, object_id, detail, prev_hash "
                       "FROM audit_log WHERE id = 2").fetchone()
    forged = audit_log.entry_hash(tuple(row[:7]), row[7])
    conn.execute("UPDATE audit_log SET user = 'someone.else', hash = ? WHERE id = 2", (forged,))
    conn.close()
    assert verify(capsys, location)["first_bad"] == 3


def test_a_deletion_stays_caught_after_new_entries(new_store, capsys):
    path = five_entries(new_store())
    tamper(path, "DELETE FROM audit_log WHERE id = 5;")
    with open_store(path) as store:
        store.audit(AuditAction.EXPORT_PACK, "patp", 1)
    assert verify(capsys, path) == {"entries": 5, "ok": False, "first_bad": 6}


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
@pytest.mark.parametrize("sql, first_bad", [
    ("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE id = 4;", 4),
    ("DELETE FROM audit_log WHERE id = 1;", 2),
    ("UPDATE audit_log SET id = 10 WHERE id = 1;", 2),
])
def test_tampering_with_the_sqlite3_shell_is_caught(tmp_path, capsys, sql, first_bad):
    path = five_entries(str(tmp_path / "s.sqlite"))
    subprocess.run(["sqlite3", str(path), DROP_TRIGGERS + sql], check=True, capture_output=True)
    result = verify(capsys, path)
    assert result["ok"] is False and result["first_bad"] == first_bad


def test_free_strings_are_not_audit_actions(store):
    with pytest.raises(TypeError, match="AuditAction"):
        store.audit("export.intel", "intel_export")


def test_no_call_site_uses_a_free_string():
    package = Path(__file__).resolve().parents[2] / "workbench"
    offenders = [f"{p}: {m.group(0)}" for p in package.rglob("*.py")
                 for m in re.finditer(r"\.audit\(\s*f?[\"']|\baction=f?[\"'][a-z_]+\.", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_store_with_an_old_log_is_chained_by_the_migration(new_store, capsys):
    path = new_store("old")
    conn = admin(path)
    migrations.upgrade(conn, path, upto=10)
    for n in range(3):
        conn.execute("INSERT INTO audit_log (at, user, action, object_type, object_id, detail) "
                     "VALUES (?, 'a.analyst', 'export.intel', 'intel_export', ?, '{}')",
                     (f"2025-01-0{n + 1}T09:00:00+00:00", f"f{n}.csv"))
    conn.close()
    with open_store(path) as store:
        store.audit(AuditAction.EXPORT_PACK, "patp", 1)
        first = sql(store, "SELECT prev_hash, hash FROM audit_log WHERE id = 1").fetchone()
    assert first[0] == "" and len(first[1]) == 64
    assert verify(capsys, path) == {"entries": 4, "ok": True, "first_bad": None}
    tamper(path, "UPDATE audit_log SET user = 'b.analyst' WHERE id = 2;")
    assert verify(capsys, path)["first_bad"] == 2


def test_show_lists_entries_filtered_by_date_and_action(new_store, capsys):
    path = five_entries(new_store())
    with open_store(path) as store:
        store.audit(AuditAction.PATP_APPROVE, "patp", 7, {"reference": "PATP/2025/0007"}, why="sound")
    assert main(["--db", path, "audit", "show", "--action", "patp.approve", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["entries"]
    assert len(shown) == 1
    entry = shown[0]
    assert (entry["id"], entry["user"], entry["action"], entry["object_id"]) == (6, "test.analyst", "patp.approve", "7")
    assert entry["detail"] == {"reference": "PATP/2025/0007", "why": "sound"} and len(entry["hash"]) == 64
    assert main(["--db", path, "audit", "show", "--json"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)["entries"]] == [6, 5, 4, 3, 2, 1]
    assert main(["--db", path, "audit", "show", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_verify_text_says_where_the_chain_breaks(new_store, capsys):
    path = five_entries(new_store())
    tamper(path, "DELETE FROM audit_log WHERE id = 2;")
    assert main(["--db", path, "audit", "verify"]) == 0
    out = capsys.readouterr()
    assert "AUDIT LOG TAMPERED" in out.out and "#3" in out.out
    assert re.search(r"hash [0-9a-f]{64}", out.err)
