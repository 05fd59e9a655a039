"""Opening CSV inputs: plain, gzip or zip, as streams of bytes.

Every input is presented as one or more *members* (a plain or gzip file is one member;
a zip archive is one member per CSV inside it) so importers report rejects by the name
an analyst can find. Reading counts compressed bytes so progress is honest for
``.csv.gz`` too. :mod:`workbench.ingest.csvblocks` turns a member into columns.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.ingest.errors import ImportFailed


class CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes taken from the underlying file."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer) or 0        # straight into the caller's buffer
        self.count += n
        return n


@dataclass
class Member:
    """One CSV inside an input file."""

    label: str                       # how rejects name it: file or archive:member
    size: int                        # bytes on disk (compressed), for progress
    opener: Callable[[], tuple[io.BufferedIOBase, CountingReader]]   # decompressed bytes, compressed count


def file_hash(path: Path) -> str:
    """SHA-256 of a file, recorded with each import batch."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def regular_file(path: str | Path) -> Path:
    """``path`` if it names a regular file; ImportFailed for anything else.

    A folder, a device (``/dev/zero`` never ends), a pipe (reading waits for a writer that
    may never come) or a socket is refused before anything opens it.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else \
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
            "a socket" if stat.S_ISSOCK(mode) else "a special file"
        raise ImportFailed(f"{path}: is {kind}, not a regular file; give a file to import")
    return path


def members(path: Path, *, prefer_suffix: str | None = None) -> list[Member]:
    """The CSV members of ``path`` (.csv, .csv.gz or .zip).

    In a zip, members ending with ``prefer_suffix`` are taken when there are any (police.uk
    archives also hold outcomes and stop-and-search files); otherwise every ``.csv``.
    """
    path = regular_file(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".csv")]
        preferred = [i for i in infos if prefer_suffix and i.filename.lower().endswith(prefer_suffix)]
        chosen = sorted(preferred or infos, key=lambda i: i.filename)
        if not chosen:
            raise ImportFailed(f"{path}: the zip archive holds no CSV file")
        return [Member(f"{path.name}:{i.filename}", i.file_size, _zip_opener(path, i.filename)) for i in chosen]
    return [Member(path.name, path.stat().st_size, _file_opener(path))]


def _file_opener(path: Path):
    def open_member() -> tuple[io.BufferedIOBase, CountingReader]:
        with open(path, "rb") as probe:
            magic = probe.read(2)
        counter = CountingReader(open(path, "rb"))  # noqa: SIM115 (returned; the reader closes it)
        buffered = io.BufferedReader(counter, buffer_size=1 << 20)
        return (gzip.GzipFile(fileobj=buffered) if magic == b"\x1f\x8b" else buffered), counter
    return open_member


def _zip_opener(path: Path, name: str):
    def open_member() -> tuple[io.BufferedIOBase, CountingReader]:
        # The counter sits after decompression here, so the member's size is file_size.
        counter = CountingReader(zipfile.ZipFile(path).open(name))  # noqa: SIM115 (as above)
        return io.BufferedReader(counter, 1 << 20), counter
    return open_member


def normalise_header(name: str) -> str:
    """Column names are case-insensitive and surrounding spaces are ignored."""
    return name.strip().lower()


def checked_header(label: str, header: list[str], required, what: str) -> list[str]:
    """The header's normalised names; ImportFailed if a required column is missing
    (the file is not ``what``) or a name appears twice."""
    names = [normalise_header(h) for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise ImportFailed(f"{label}: not {what}: missing column(s) {', '.join(missing)}")
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise ImportFailed(f"{label}: column(s) appear twice: {', '.join(dupes)}")
    return names


class ProgressTracker:
    """Turns bytes read across several members into a 0..1 fraction."""

    def __init__(self, sizes: list[int]):
        self.total = max(1, sum(sizes))
        self.done_before = 0

    def fraction(self, member: Member, counter_bytes: int) -> float:
        return min(1.0, (self.done_before + min(counter_bytes, member.size)) / self.total)

    def finish(self, member: Member) -> None:
        self.done_before += member.size
