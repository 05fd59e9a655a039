"""``--out`` from the command line: never the store, never over a file without --force."""

from __future__ import annotations

import json
from pathlib import Path

from handmade_network import load

from workbench.cli import main
from workbench.store import open_store


def test_out_refuses_the_store_and_existing_files_unless_forced(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    with open_store(db) as store:
        load(store, tmp_path)
    before = db.read_bytes()
    for target in (db, Path(f"{db}-wal")):
        code = main(["--db", str(db), "network", "export", "--format", "graphml", "--out", str(target), "--force"])
        assert code == 1 and "is the store" in capsys.readouterr().err
    assert db.read_bytes() == before
    out = tmp_path / "x.json"
    out.write_text("keep")
    assert main(["--db", str(db), "network", "export", "--format", "graphml", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep"
    assert main(["--db", str(db), "network", "export", "--format", "graphml", "--out", str(out), "--force",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["marking"] == "OFFICIAL-SENSITIVE"
    assert out.read_text() != "keep"
