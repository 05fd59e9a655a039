"""Encryption at rest: an encrypted store cannot be read with plain sqlite3, opens
normally with its key, and asks for it (one line) when it is missing or wrong."""

import json
import sqlite3

import pytest

from workbench.cli import main
from workbench.domain.audit import AuditAction
from workbench.store import open_store

pytest.importorskip("sqlcipher3", reason="needs the sqlcipher3-wheels binding")


def run(capsys, *argv):
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_encrypted_store_is_noise_to_sqlite_and_opens_with_its_key(tmp_path, capsys):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.audit(AuditAction.EXPORT_INTEL, "intel_export", "MARKER-7731.csv", {"reports": 3})
    key = tmp_path / "store.key"
    key.write_text("correct horse battery staple\n")
    code, out = run(capsys, "--db", str(path), "store", "encrypt", "--key-file", str(key))
    assert code == 0 and out == {"store": str(path), "encrypted": True}

    assert b"MARKER-7731" not in path.read_bytes() and not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(path).execute("SELECT * FROM audit_log").fetchall()

    code, verified = run(capsys, "--db", str(path), "audit", "verify", "--key-file", str(key))
    assert code == 0 and verified == {"entries": 2, "ok": True, "first_bad": None}
    code, shown = run(capsys, "--db", str(path), "audit", "show", "--key-file", str(key))
    assert [e["action"] for e in shown["entries"]] == ["store.encrypt", "export.intel"]


def test_a_missing_or_wrong_key_is_one_clear_line(tmp_path, capsys):
    path = tmp_path / "s.sqlite"
    open_store(path).close()
    key = tmp_path / "k"
    key.write_text("a long enough passphrase")
    assert run(capsys, "--db", str(path), "store", "encrypt", "--key-file", str(key))[0] == 0
    code, out = run(capsys, "--db", str(path), "audit", "verify")
    assert code == 1 and out["error"] == (
        f"{path} is not a Workbench store, or is an encrypted one: open an encrypted store with "
        f"--key-file FILE, or type its passphrase when asked")
    key.write_text("not the passphrase at all")
    code, out = run(capsys, "--db", str(path), "audit", "verify", "--key-file", str(key))
    assert code == 1 and out["error"] == f"{path} could not be opened with that key (wrong key, or not an encrypted store)"
    code, out = run(capsys, "--db", str(path), "store", "encrypt", "--key-file", str(key))
    assert code == 1 and "already encrypted" in out["error"]
