"""Writing released content to files safely, with its audit entry: the one export writer.

:func:`export` is how every file leaves Workbench:

1. each target is checked (:func:`check_target`): never the store or its ``-wal``/
   ``-shm``/``-journal`` files, never through a symbolic link, never over an existing
   file unless ``force`` (the CLI's ``--force``; the app asks first);
2. missing folders are created owner-only (0700);
3. each writer draws the :class:`~workbench.release.gate.Released` value into a file in
   a private temporary folder (0700) beside the target, and the file is made owner-only
   (0600);
4. the export is audited (one entry, in a transaction);
5. only then is each file renamed into place.

So a crash before the audit entry leaves no export behind, only (at worst) a private
``.wb-export-*`` folder; a crash after it leaves an audited export that was not renamed.

CSV exports go through :func:`write_csv`, which neutralises spreadsheet formulas
(:func:`safe_cell`) and puts the marking on the first line.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.audit import AuditAction
from workbench.release.gate import Released, ReleaseError

#: A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")
FILE_MODE = 0o600
FOLDER_MODE = 0o700


@dataclass(frozen=True)
class Output:
    """One file of an export: where it goes and the writer that draws it.

    ``write(released, path)`` writes ``released`` to ``path`` (a temporary file name).
    """

    path: Path
    write: Callable[[Released, Path], Any]


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it as text: strings that would start a formula
    (``= + - @``, tab or CR, also after leading spaces) get a leading apostrophe.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("  +44"), safe_cell("AB12 CDE"), safe_cell(-3)
    ("'=HYPERLINK(1)", "'  +44", 'AB12 CDE', -3)
    """
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip(" \u00a0").startswith(
            FORMULA_STARTS)):
        return "'" + value
    return value


def write_csv(path: str | Path, released: Released, header: Sequence[str], rows: Iterable[Sequence],
              *, title: str = "") -> Path:
    """Write a CSV whose first line is ``# <marking> - <title>`` then ``header`` and
    ``rows``, every cell neutralised against formula injection."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {released.marking}" + (f" - {title}" if title else "") + "\n")
        writer = csv.writer(fh)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
    return path


def png_metadata(released: Released, title: str) -> dict:
    """PNG text chunks for an exported image: its marking and title, nothing else."""
    return {"Title": title, "Description": f"Security marking: {released.marking}", "Warning": released.marking,
            "Software": "Workbench"}


def _companions(store_path: Path) -> list[Path]:
    return [store_path.with_name(store_path.name + suffix) for suffix in STORE_COMPANIONS]


def check_target(path: str | Path, *, store_path: str | Path | None = None, force: bool = False) -> Path:
    """``path`` if an export may be written there, else :class:`ReleaseError` saying why."""
    path = Path(path)
    if path.is_symlink():
        raise ReleaseError(f"{path} is a symbolic link: Workbench never writes an export through a link")
    if store_path is not None:
        target = path.resolve()
        for protected in _companions(Path(store_path)):
            if target == protected.resolve() or (path.exists() and protected.exists()
                                                  and os.path.samefile(path, protected)):
                raise ReleaseError(f"{path} is the store (or its journal): choose another file name")
    if path.exists():
        if path.is_dir():
            raise ReleaseError(f"{path} is a folder: give a file name")
        if not force:
            raise ReleaseError(f"{path} already exists: choose another name or give --force to replace it")
        if not stat.S_ISREG(path.stat().st_mode):
            raise ReleaseError(f"{path} is not a regular file: Workbench replaces only files")
    return path


def make_folder(folder: str | Path) -> Path:
    """Create ``folder`` and any missing parents owner-only (0700); return it."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for part in reversed(missing):
        part.mkdir(mode=FOLDER_MODE)
        os.chmod(part, FOLDER_MODE)      # mkdir's mode is masked by the umask
    return folder


def export(store, released: Released, outputs: Sequence[Output], *, action: AuditAction, object_type: str,
           object_id: Any = None, detail: dict | None = None, why: str | None = None,
           force: bool = False) -> list[Path]:
    """Write ``outputs`` of ``released`` and audit them as ``action`` (see the module
    docstring for the order of steps); return the files written."""
    if not isinstance(released, Released):
        raise TypeError("export() writes only released content (workbench.release.release())")
    if not outputs:
        raise ReleaseError("nothing to write: no output file was given")
    store_path = getattr(store, "path", None)
    targets = [check_target(o.path, store_path=store_path, force=force) for o in outputs]
    if len({t.resolve() for t in targets}) != len(targets):
        raise ReleaseError("two outputs of one export have the same file name")
    staging = []
    try:
        for output, target in zip(outputs, targets):
            make_folder(target.parent)
            temp = Path(tempfile.mkdtemp(prefix=".wb-export-", dir=target.parent))
            staging.append(temp)
            written = temp / target.name
            output.write(released, written)
            if not written.is_file():
                raise ReleaseError(f"{target.name} was not written")
            os.chmod(written, FILE_MODE)
        for target in targets:          # again: nothing may have appeared there while writing
            check_target(target, store_path=store_path, force=force)
        with store.atomic():
            store.audit(action, object_type, object_id, {
                **(detail or {}), **released.audit_detail(), "files": [str(t) for t in targets]}, why=why)
        for temp, target in zip(staging, targets):
            os.replace(temp / target.name, target)
    finally:
        for temp in staging:
            shutil.rmtree(temp, ignore_errors=True)
    return targets
