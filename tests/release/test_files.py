"""Exports written safely: formula injection, owner-only files and folders, never over the
store, never through a link, never over a file without force, audited before renamed."""

from __future__ import annotations

import csv
import stat

import pytest
from sqlpeek import sql

from workbench.domain.audit import AuditAction
from workbench.release import (
    Content,
    Output,
    ReleaseError,
    export,
    policy,
    release,
    safe_cell,
    write_csv,
)


def audits(store, action="export.intel"):
    return sql(store, "SELECT count(*) FROM audit_log WHERE action = ?", (action,)).fetchone()[0]


def text_writer(released, path):
    path.write_text(f"{released.marking}\nhello\n", encoding="utf-8")


@pytest.fixture
def released(store):
    return release(Content(records=True), policy(store))


def run(store, released, path, **kw):
    return export(store, released, [Output(path, text_writer)], action=AuditAction.EXPORT_INTEL, object_type="test", **kw)


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+447700900123", "'+447700900123"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("   =1+1", "'   =1+1"), ("\u00a0@x", "'\u00a0@x"),
    ("AB12 CDE", "AB12 CDE"), ("", ""), (-3, -3), (None, None),
])
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_write_csv_marks_first_line_and_neutralises_every_cell(store, released, tmp_path):
    def writer(rel, path):
        write_csv(path, rel, ["ref", "=note"], [["R/1", "=HYPERLINK(\"http://x\")"], ["R/2", "  -1"]], title="test")

    out = tmp_path / "x.csv"
    export(store, released, [Output(out, writer)], action=AuditAction.EXPORT_INTEL, object_type="test")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# OFFICIAL-SENSITIVE - test"
    rows = list(csv.reader(lines[1:]))
    assert rows == [["ref", "'=note"], ["R/1", "'=HYPERLINK(\"http://x\")"], ["R/2", "'  -1"]]


def test_files_are_owner_only_and_new_folders_too(store, released, tmp_path):
    out = tmp_path / "new" / "deeper" / "x.txt"
    run(store, released, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(out.parent.parent.stat().st_mode) == 0o700
    assert audits(store) == 1
    assert [p.name for p in out.parent.iterdir()] == ["x.txt"]      # no temporary folder left


def test_existing_file_needs_force(store, released, tmp_path):
    out = tmp_path / "x.txt"
    out.write_text("keep me")
    with pytest.raises(ReleaseError, match="already exists.*--force"):
        run(store, released, out)
    assert out.read_text() == "keep me" and audits(store) == 0
    run(store, released, out, force=True)
    assert "hello" in out.read_text() and audits(store) == 1


def test_never_through_a_symbolic_link(store, released, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(ReleaseError, match="symbolic link"):
            run(store, released, link, force=force)
    assert victim.read_text() == "precious" and link.is_symlink()


# The store's file and its journal: a team store on a server has none to protect.
@pytest.mark.parametrize("engine", ["sqlite"])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_never_over_the_store(store, released, suffix):
    target = store.path.with_name(store.path.name + suffix)
    before = target.read_bytes() if target.exists() else None
    with pytest.raises(ReleaseError, match="is the store"):
        run(store, released, target, force=True)
    assert (target.read_bytes() if target.exists() else None) == before


@pytest.mark.parametrize("engine", ["sqlite"])
def test_never_over_the_store_by_another_path(store, released, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReleaseError, match="is the store"):
        run(store, released, "./" + store.path.name, force=True)


def test_a_crash_before_the_audit_leaves_no_export(store, released, tmp_path, monkeypatch):
    out = tmp_path / "x.txt"

    def crash(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "audit", crash)
    with pytest.raises(KeyboardInterrupt):
        run(store, released, out)
    monkeypatch.undo()
    assert not out.exists() and audits(store) == 0
    assert not any(p.name.startswith(".wb-export") for p in tmp_path.iterdir())


def test_a_failing_writer_leaves_nothing_and_no_audit(store, released, tmp_path):
    def broken(rel, path):
        path.write_text("half")
        raise OSError("disk full")

    out = tmp_path / "x.txt"
    with pytest.raises(OSError, match="disk full"):
        export(store, released, [Output(out, broken)], action=AuditAction.EXPORT_INTEL, object_type="test")
    assert not out.exists() and audits(store) == 0
    assert not any(p.name.startswith(".wb-export") for p in tmp_path.iterdir())


def test_the_audit_entry_is_written_before_the_file_appears(store, released, tmp_path, monkeypatch):
    out = tmp_path / "x.txt"
    seen = []
    real = store.audit

    def watching(*a, **k):
        seen.append(out.exists())
        return real(*a, **k)

    monkeypatch.setattr(store, "audit", watching)
    run(store, released, out)
    assert seen == [False] and out.exists()


def test_export_takes_only_released_content(store, tmp_path):
    with pytest.raises(TypeError):
        export(store, {"reports": []}, [Output(tmp_path / "x", text_writer)], action=AuditAction.EXPORT_INTEL,
               object_type="test")


def test_a_new_store_is_owner_only_and_so_are_its_new_folders(tmp_path):
    from workbench.store import open_store

    path = tmp_path / "a" / "b" / "new.sqlite"
    with open_store(path) as s:
        s.set_setting("organisation", "Test")          # writes: the WAL exists now
        wal = path.with_name(path.name + "-wal")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_an_intelligence_export_neutralises_formulas_from_the_input(store, tmp_path):
    from workbench.intel.handling import export_reports
    from workbench.intel.importer import import_intel
    from workbench.intel.search import search_reports

    source = tmp_path / "intel.csv"
    source.write_text('intel_ref,recorded_at,grading,source_eval,intel_eval,handling,location_desc,text\n'
                      '"=R/1",2025-01-10,3x5x2,1,A,P,"@SUM(A1)","=HYPERLINK(""http://x"",""click"")"\n'
                      'R/2,2025-01-11,3x5x2,1,A,P,"-2+3","+44 7700 900123 seen"\n', encoding="utf-8")
    assert import_intel(store, source).imported == 2
    out = tmp_path / "out.csv"
    export_reports(store, search_reports(store), "internal", out)
    rows = {r["text"]: r for r in csv.DictReader(out.read_text(encoding="utf-8").splitlines()[1:])}
    assert set(rows) == {"'=HYPERLINK(\"http://x\",\"click\")", "'+44 7700 900123 seen"}
    cells = [v for r in rows.values() for v in r.values() if v]
    assert not [c for c in cells if c.lstrip().startswith(("=", "+", "-", "@"))]
