"""A store in a bad state gets one clear line: busy (and who holds it), a foreign SQLite
file (refused, left unchanged), a damaged file; areas too large are refused up front. The
tests that take a file (tmp_path) are about SQLite files; tests/store/test_team_store.py
has a team store's busy and foreign-database messages."""

import json
import sqlite3

import pytest

from workbench.cli import main
from workbench.domain.audit import AuditAction
from workbench.errors import StoreError
from workbench.store import db as store_db
from workbench.store import open_store


def fail(capsys, *argv) -> str:
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 1 and len(out.err.strip().splitlines()) == 1
    return json.loads(out.out)["error"]


def test_a_busy_store_waits_then_says_who_holds_it(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.sqlite"
    holder = open_store(path)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.3)
    with holder.atomic():
        holder.audit(AuditAction.IMPORT, "batch", 1)          # holds the write lock
        with open_store(path) as other, pytest.raises(StoreError) as busy:
            other.set_setting("security_marking", "OFFICIAL")
        assert main(["--db", str(path), "roles", "grant", "h.analyst", "analyst", "--json"]) == 1
        out = capsys.readouterr()
        message = json.loads(out.out)["error"]
    holder.close()
    assert out.err.strip().splitlines()[-1] == f"workbench: error: {message}"     # after who it waited for
    assert str(busy.value).startswith("the store s.sqlite is busy: waited 0.3 s for test.analyst (process ")
    assert str(busy.value).endswith("; try again when it has finished")
    assert message == str(busy.value) and "database is locked" not in message
    assert not (tmp_path / "s.sqlite-holder").exists()          # released with the transaction
    with open_store(path) as store:
        store.set_setting("security_marking", "OFFICIAL")       # free again


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path, capsys):
    path = tmp_path / "crm.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('A. Smith')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    message = f"{path} is an SQLite database of another program (tables customers), not a Workbench store; it was left unchanged"
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert str(refused.value) == message
    assert fail(capsys, "--db", str(path), "roles", "grant", "x", "analyst") == message
    assert path.read_bytes() == before and not (tmp_path / "crm.sqlite-wal").exists()


def test_a_damaged_page_gives_one_clear_message(tmp_path, capsys):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        with store.atomic():
            for n in range(3000):
                store.audit(AuditAction.EXPORT_INTEL, "intel_export", f"/exports/{n:05d}.csv", {"reports": n})
        store.checkpoint()
    conn = sqlite3.connect(path)                                 # a leaf page of the audit log, mid-file
    page, leaves = conn.execute("PRAGMA page_size").fetchone()[0], [n for (n,) in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf' ORDER BY pageno")]
    conn.close()
    data = bytearray(path.read_bytes())
    middle = (leaves[len(leaves) // 2] - 1) * page
    data[middle:middle + page] = bytes([0xA5]) * page
    path.write_bytes(data)
    message = fail(capsys, "--db", str(path), "audit", "verify")
    assert message.startswith("the store file is damaged (database disk image is malformed); nothing more "
                              "was read or changed. Restore it from your backup")


def test_huge_radius_and_bbox_are_refused_before_any_work(empty_db, capsys):
    db = empty_db
    assert fail(capsys, "--db", db, "patp", "create", "--from-hotspot", "530000,180000", "--radius", "1e12",
                "--from", "2025-01", "--to", "2025-02") == (
        "--radius 1e+12 is out of range: give a radius above 0 and at most 50,000 metres")
    assert fail(capsys, "--db", db, "patp", "create", "--from-hotspot", "9e99,180000",
                "--from", "2025-01", "--to", "2025-02") == (
        "--from-hotspot 9e+99,180000 is outside the British National Grid "
        "(eastings 0 to 700,000, northings 0 to 1,300,000 metres)")
    assert fail(capsys, "--db", db, "search", "save", "wide", "--kind", "offences", "--bbox", "0,0,1e300,5") == (
        "--bbox corner 1e+300,5 is outside the British National Grid "
        "(eastings 0 to 700,000, northings 0 to 1,300,000 metres)")


def test_a_read_only_store_reads_and_refuses_writes_in_one_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.audit(AuditAction.IMPORT, "batch", 1)
    # Tests run as root, whom file modes do not stop: the check itself is os.access.
    real_access = store_db.os.access
    monkeypatch.setattr(store_db.os, "access",
                        lambda p, mode: False if (str(p) == str(path) and mode == store_db.os.W_OK) else real_access(p, mode))
    assert main(["--db", str(path), "audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 1
    assert fail(capsys, "--db", str(path), "roles", "grant", "h.analyst", "analyst") == (
        f"{path} is read-only for you (file permission): this command changes the store, so it was not "
        f"run; reading commands work. Ask the store's owner for write access")


def test_a_waiting_write_says_who_it_waits_for_while_it_waits(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.sqlite"
    holder = open_store(path)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.8)
    told = []
    with holder.atomic():
        holder.audit(AuditAction.IMPORT, "batch", 1)
        with open_store(path) as other:
            other.on_wait = lambda fraction, message: told.append((fraction, message))
            with pytest.raises(StoreError):
                other.set_setting("security_marking", "OFFICIAL")
        code = main(["--db", str(path), "roles", "grant", "h.analyst", "analyst"])
        err = capsys.readouterr().err.splitlines()
    holder.close()
    assert len(told) >= 2 and all(0.0 <= f <= 1.0 for f, _ in told)
    assert [f for f, _ in told] == sorted(f for f, _ in told)           # the wait moves on
    assert told[0][1].startswith("waiting for the store s.sqlite: test.analyst (process ")
    assert code == 1 and err[0].startswith("waiting for the store s.sqlite: test.analyst")
    assert err[-1].startswith("workbench: error: the store s.sqlite is busy")
