"""Opening CSV inputs: plain, gzip or zip; UTF-8 with or without a byte-order mark.

Every input is presented as one or more *members* (a plain or gzip file is one member;
a zip archive is one member per CSV inside it) so importers report rejects by the name
an analyst can find. Reading counts compressed bytes so progress is honest for
``.csv.gz`` too.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zlib import error as zlib_error

from workbench.ingest.errors import ImportFailed

csv.field_size_limit(10 * 1024 * 1024)


class CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes taken from the underlying file."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


@dataclass
class Member:
    """One CSV inside an input file."""

    label: str                       # how rejects name it: file or archive:member
    size: int                        # bytes on disk (compressed), for progress
    opener: Callable[[], tuple[io.TextIOBase, CountingReader]]


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


def _text(raw) -> tuple[io.TextIOBase, CountingReader]:
    counter = CountingReader(raw)
    buffered = io.BufferedReader(counter, buffer_size=1 << 20)
    return counter, buffered


def _file_opener(path: Path):
    def open_member():
        with open(path, "rb") as probe:
            magic = probe.read(2)
        raw = open(path, "rb")  # noqa: SIM115 (the stream is returned; its reader closes it)
        counter, buffered = _text(raw)
        stream = gzip.GzipFile(fileobj=buffered) if magic == b"\x1f\x8b" else buffered
        return io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""), counter
    return open_member


def _zip_opener(path: Path, name: str):
    def open_member():
        zf = zipfile.ZipFile(path)
        raw = zf.open(name)
        counter = CountingReader(raw)
        # The counter sits after decompression here, so the member's size is file_size.
        return io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding="utf-8-sig", newline=""), counter
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


class CsvReader:
    """Reads one member record by record, knowing where each record starts.

    ``header`` is the raw header row; ``rows()`` yields ``(line, row)``; ``bytes_read``
    feeds progress. Raises ImportFailed for a file that is not UTF-8 text or has no header.
    """

    def __init__(self, member: Member):
        self.member = member
        self._stream, self._counter = member.opener()
        self._reader = csv.reader(self._stream)
        try:
            header = next(self._reader, None)
        except (UnicodeDecodeError, csv.Error, OSError, EOFError, zlib_error) as exc:
            self.close()
            raise ImportFailed(f"{member.label}: not a UTF-8 CSV file; in Excel use Save As > "
                               f"'CSV UTF-8 (Comma delimited)' ({_short(exc)})") from None
        if not header or not any(h.strip() for h in header):
            self.close()
            raise ImportFailed(f"{member.label}: the file is empty (no header row)")
        self.header = header

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        start = self._reader.line_num + 1
        label = self.member.label
        try:
            for row in self._reader:
                yield start, row
                start = self._reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{label}: near line {start}: not UTF-8 text ({_short(exc)})") from None
        except (csv.Error, OSError, EOFError, zlib_error) as exc:
            raise ImportFailed(f"{label}: line {start}: unreadable CSV ({_short(exc)})") from None
        finally:
            self.close()

    def close(self) -> None:
        self._stream.close()


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:160]


class ProgressTracker:
    """Turns bytes read across several members into a 0..1 fraction."""

    def __init__(self, sizes: list[int]):
        self.total = max(1, sum(sizes))
        self.done_before = 0

    def fraction(self, member: Member, counter_bytes: int) -> float:
        return min(1.0, (self.done_before + min(counter_bytes, member.size)) / self.total)

    def finish(self, member: Member) -> None:
        self.done_before += member.size
