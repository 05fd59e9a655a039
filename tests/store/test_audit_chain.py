"""The audit log is a hash chain: `workbench audit verify` catches an entry edited, deleted
or moved with the sqlite3 module or shell, even after the append-only triggers are dropped."""

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlpeek import sql

from workbench.cli import main
from workbench.domain.audit import AuditAction
from workbench.store import audit as audit_log
from workbench.store import migrations, open_store

DROP_TRIGGERS = ("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
                 "DROP TRIGGER audit_head_no_delete;")


def five_entries(path: Path) -> Path:
    with open_store(path) as store:
        for n in range(5):
            store.audit(AuditAction.EXPORT_INTEL, "intel_export", f"file{n}.csv", {"reports": n})
    return path


def tamper(path: Path, sql: str) -> None:
    """What someone with the sqlite3 module would do: drop the triggers, then change the log."""
    conn = sqlite3.connect(path)
    conn.executescript(DROP_TRIGGERS + sql)
    conn.commit()
    conn.close()


def verify(capsys, path: Path) -> dict:
    assert main(["--db", str(path), "audit", "verify", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_untouched_log_verifies_with_exactly_the_contract_keys(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    assert verify(capsys, path) == {"entries": 5, "ok": True, "first_bad": None}


def test_an_empty_log_verifies(tmp_path, capsys):
    open_store(tmp_path / "s.sqlite").close()
    assert verify(capsys, tmp_path / "s.sqlite") == {"entries": 0, "ok": True, "first_bad": None}


def test_the_triggers_refuse_update_and_delete(tmp_path):
    path = five_entries(tmp_path / "s.sqlite")
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET user = 'someone.else' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.close()


def test_an_edited_entry_is_caught(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "UPDATE audit_log SET detail = '{\"reports\": 99}' WHERE id = 3;")
    assert verify(capsys, path) == {"entries": 5, "ok": False, "first_bad": 3}


def test_an_edit_with_its_own_hash_recomputed_is_caught_at_the_next_entry(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    conn = sqlite3.connect(path)
    conn.executescript(DROP_TRIGGERS)
    row = conn.execute("SELECT id, at, 'someone.else', action, object_type, object_id, detail, prev_hash "
                       "FROM audit_log WHERE id = 2").fetchone()
    forged = audit_log.entry_hash(tuple(row[:7]), row[7])
    conn.execute("UPDATE audit_log SET user = 'someone.else', hash = ? WHERE id = 2", (forged,))
    conn.commit()
    conn.close()
    assert verify(capsys, path)["first_bad"] == 3


def test_a_deleted_entry_is_caught(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "DELETE FROM audit_log WHERE id = 2;")
    assert verify(capsys, path) == {"entries": 4, "ok": False, "first_bad": 3}


def test_deleting_the_newest_entries_is_caught(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "DELETE FROM audit_log WHERE id >= 4;")
    assert verify(capsys, path) == {"entries": 3, "ok": False, "first_bad": 4}


def test_a_deletion_stays_caught_after_new_entries(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "DELETE FROM audit_log WHERE id = 5;")
    with open_store(path) as store:
        store.audit(AuditAction.EXPORT_PACK, "patp", 1)
    assert verify(capsys, path) == {"entries": 5, "ok": False, "first_bad": 6}


def test_reordered_entries_are_caught(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "UPDATE audit_log SET id = -2 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 4; "
                 "UPDATE audit_log SET id = 4 WHERE id = -2;")
    assert verify(capsys, path) == {"entries": 5, "ok": False, "first_bad": 2}


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
@pytest.mark.parametrize("sql, first_bad", [
    ("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE id = 4;", 4),
    ("DELETE FROM audit_log WHERE id = 1;", 2),
    ("UPDATE audit_log SET id = 10 WHERE id = 1;", 2),
])
def test_tampering_with_the_sqlite3_shell_is_caught(tmp_path, capsys, sql, first_bad):
    path = five_entries(tmp_path / "s.sqlite")
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


def test_a_store_with_an_old_log_is_chained_by_the_migration(tmp_path, capsys):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
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


def test_show_lists_entries_filtered_by_date_and_action(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    with open_store(path) as store:
        store.audit(AuditAction.PATP_APPROVE, "patp", 7, {"reference": "PATP/2025/0007"}, why="sound")
    assert main(["--db", str(path), "audit", "show", "--action", "patp.approve", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["entries"]
    assert len(shown) == 1
    entry = shown[0]
    assert (entry["id"], entry["user"], entry["action"], entry["object_id"]) == (6, "test.analyst", "patp.approve", "7")
    assert entry["detail"] == {"reference": "PATP/2025/0007", "why": "sound"} and len(entry["hash"]) == 64
    assert main(["--db", str(path), "audit", "show", "--json"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)["entries"]] == [6, 5, 4, 3, 2, 1]
    assert main(["--db", str(path), "audit", "show", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_verify_text_says_where_the_chain_breaks(tmp_path, capsys):
    path = five_entries(tmp_path / "s.sqlite")
    tamper(path, "DELETE FROM audit_log WHERE id = 2;")
    assert main(["--db", str(path), "audit", "verify"]) == 0
    out = capsys.readouterr()
    assert "AUDIT LOG TAMPERED" in out.out and "#3" in out.out
    assert re.search(r"hash [0-9a-f]{64}", out.err)
