"""Reading one CSV member as chunks of columns, fast, knowing the line each record starts on.

The bytes are read in blocks of about ``BLOCK_BYTES``, each cut after the last record end
it holds. numpy finds the record ends (newlines outside quotes, from the parity of the
quotes before them), each record's first line and its number of fields without a Python
loop; pyarrow's CSV parser turns the block into one string column per header column.
Records with more or fewer fields than the header are taken out and handed over as rows
(``ragged``) for the reject list; blank records are skipped.

This is exact for RFC 4180 files, where a quote only opens a field or doubles inside a
quoted one. Anything else (a stray quote inside a field, old Mac CR line ends, NUL bytes)
is read from that point on by Python's csv module, which defines what such a file means,
into the same chunks; NUL characters are dropped there (they mean nothing in a CSV, and a
PostgreSQL text value cannot hold one, so both engines store the same text). Either way a
file that is not UTF-8 is refused with its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from zlib import error as zlib_error

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import Member

csv.field_size_limit(10 * 1024 * 1024)

BLOCK_BYTES = 2 << 20          # about 8,000 police.uk rows: memory stays small
MAX_RECORD_BYTES = 64 << 20       # no record end in this many bytes: let the csv module report it
BOM = b"\xef\xbb\xbf"
_NL, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
_READ_ERRORS = (OSError, EOFError, zlib_error)


@dataclass
class ColumnChunk:
    """Up to ``chunk_rows`` records of one member as columns.

    ``lines`` holds the line each row starts on; ``columns`` one pyarrow string column per
    header column; ``ragged`` the ``(line, row)`` of records in this stretch of the file
    whose number of fields differs from the header's.
    """

    lines: np.ndarray
    columns: list
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def rows(self) -> list[list[str]]:
        """The rows as lists of strings, for parsers that work row by row."""
        if not len(self):
            return []
        return [list(row) for row in zip(*(column.to_pylist() for column in self.columns))]


class _Fallback(Exception):
    """The bytes are not RFC 4180-shaped: read on with Python's csv module."""


def _short(exc: BaseException) -> str:
    return str(exc).split("\n")[0][:160]


def _record_ends(arr: np.ndarray, at_eof: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(newlines, quotes, record_ends)`` positions in ``arr`` (which starts at a record
    start); _Fallback if the quoting or line ends are not what RFC 4180 files have."""
    newlines = np.flatnonzero(arr == _NL)
    returns = np.flatnonzero(arr == _CR)
    if len(returns):
        following = returns + 1
        inside = following < len(arr)
        if (at_eof and not inside.all()) or (arr[following[inside]] != _NL).any():
            raise _Fallback()
    quotes = np.flatnonzero(arr == _QUOTE)
    if not len(quotes):
        return newlines, quotes, newlines
    adjacent = np.diff(quotes) == 1              # a doubled quote: "" inside a quoted field
    opening, closing = quotes[0::2], quotes[1::2]
    before = arr[np.maximum(opening - 1, 0)]
    opens_field = (opening == 0) | (before == _COMMA) | (before == _NL)
    opens_field[1:] |= adjacent[1::2]            # quote 2j preceded at once by quote 2j-1
    after_pos = closing + 1
    after = arr[np.minimum(after_pos, len(arr) - 1)]
    closes_field = (after_pos >= len(arr)) | (after == _COMMA) | (after == _NL) | (after == _CR)
    doubled_next = adjacent[1::2]                 # quote 2j+1 followed at once by quote 2j+2
    closes_field[:len(doubled_next)] |= doubled_next
    if not (opens_field.all() and closes_field.all()) or (at_eof and len(quotes) % 2):
        raise _Fallback()
    outside = (np.searchsorted(quotes, newlines) & 1) == 0
    return newlines, quotes, newlines[outside]


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream."""

    def __init__(self, prefix: bytes, stream):
        self.prefix, self.stream = memoryview(prefix), stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if len(self.prefix):
            n = min(len(buffer), len(self.prefix))
            buffer[:n] = self.prefix[:n]
            self.prefix = self.prefix[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class ChunkReader:
    """One member: ``header`` (the raw header row), ``chunks()`` and ``bytes_read``.

    Raises ImportFailed for a file that is empty, not UTF-8 or not readable.
    """

    def __init__(self, member: Member, chunk_rows: int):
        self.member, self.chunk_rows = member, chunk_rows
        self._stream, self._counter = member.opener()
        self._buffer, self._eof, self._line = b"", False, 1
        self._csv: Iterator | None = None
        try:
            self.header = self._read_header()
        except BaseException:
            self.close()
            raise
        if not self.header or not any(h.strip() for h in self.header):
            self.close()
            raise ImportFailed(f"{member.label}: the file is empty (no header row)")
        self.width = len(self.header)

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def close(self) -> None:
        self._stream.close()

    # -- reading bytes ----------------------------------------------------------------
    def _fill(self) -> None:
        """Read one more block onto the buffer (or note the end of the member)."""
        try:
            data = self._stream.read(BLOCK_BYTES)
        except _READ_ERRORS as exc:
            raise ImportFailed(f"{self.member.label}: near line {self._line}: unreadable ({_short(exc)})") from None
        if data:
            self._buffer += data
        else:
            self._eof = True

    def _read_header(self) -> list[str]:
        self._fill()
        self._buffer = self._buffer.removeprefix(BOM)
        while True:
            try:
                arr = np.frombuffer(self._buffer, np.uint8)
                if b"\x00" in self._buffer:
                    raise _Fallback()
                ends = _record_ends(arr, self._eof)[2]
            except _Fallback:
                return self._start_csv(header=True)
            if len(ends) or self._eof or len(self._buffer) > MAX_RECORD_BYTES:
                break
            self._fill()
        cut = int(ends[0]) + 1 if len(ends) else len(self._buffer)
        record = self._buffer[:cut]
        try:
            text = record.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{self.member.label}: not a UTF-8 CSV file; in Excel use Save As > "
                               f"'CSV UTF-8 (Comma delimited)' ({_short(exc)})") from None
        self._buffer = self._buffer[cut:]
        self._line += record.count(b"\n")
        return next(csv.reader(io.StringIO(text, newline="")), [])

    # -- the csv module, for files that are not RFC 4180-shaped ---------------------------
    def _start_csv(self, *, header: bool = False) -> list[str]:
        text = io.TextIOWrapper(io.BufferedReader(_Prefixed(self._buffer, self._stream), 1 << 20),
                                encoding="utf-8", newline="")
        self._buffer = b""
        reader = csv.reader(line.replace("\x00", "") for line in text)
        first_line = self._line
        row: list[str] = []
        if header:
            try:
                row = next(reader, [])
            except (UnicodeDecodeError, csv.Error, *_READ_ERRORS) as exc:
                raise ImportFailed(f"{self.member.label}: not a UTF-8 CSV file; in Excel use Save As > "
                                   f"'CSV UTF-8 (Comma delimited)' ({_short(exc)})") from None
        self._csv = self._csv_records(reader, first_line)
        return row

    def _csv_records(self, reader, first_line: int) -> Iterator[tuple[int, list[str]]]:
        start = first_line + reader.line_num
        label = self.member.label
        try:
            for row in reader:
                yield start, row
                start = first_line + reader.line_num
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{label}: near line {start}: not UTF-8 text ({_short(exc)})") from None
        except (csv.Error, *_READ_ERRORS) as exc:
            raise ImportFailed(f"{label}: line {start}: unreadable CSV ({_short(exc)})") from None

    def _csv_chunks(self) -> Iterator[ColumnChunk]:
        lines: list[int] = []
        rows: list[list[str]] = []
        ragged: list[tuple[int, list[str]]] = []
        for line, row in self._csv:
            if not any(row):
                continue                  # blank lines are not rows
            if len(row) == self.width:
                lines.append(line)
                rows.append(row)
            else:
                ragged.append((line, row))
            if len(rows) >= self.chunk_rows:
                yield self._rows_chunk(lines, rows, ragged)
                lines, rows, ragged = [], [], []
        if rows or ragged:
            yield self._rows_chunk(lines, rows, ragged)

    def _rows_chunk(self, lines, rows, ragged) -> ColumnChunk:
        columns = [pa.array(list(col), pa.string()) for col in zip(*rows)] if rows else \
            [pa.array([], pa.string())] * self.width
        return ColumnChunk(np.asarray(lines, dtype=np.int64), columns, ragged)

    # -- the fast path ------------------------------------------------------------------
    def chunks(self) -> Iterator[ColumnChunk]:
        """The member's records in chunks of at most ``chunk_rows`` rows, in file order."""
        try:
            while self._csv is None:
                block = None
                if not self._eof and len(self._buffer) < BLOCK_BYTES:
                    self._fill()
                    continue
                try:
                    block = self._next_block()
                    if block is None:
                        return
                    chunks = self._block_chunks(*block)
                except _Fallback:
                    if block is not None:           # read this block again with the csv module
                        self._buffer, self._line = block[1] + self._buffer, block[0]
                    self._start_csv()
                    break
                yield from chunks
            yield from self._csv_chunks()
        finally:
            self.close()

    def _next_block(self):
        """``(first line, bytes, newlines, quotes, record ends)`` of the next block of whole
        records, or None at the end; reads more when no record ends in the buffer."""
        while True:
            if b"\x00" in self._buffer:
                raise _Fallback()
            arr = np.frombuffer(self._buffer, np.uint8)
            newlines, quotes, ends = _record_ends(arr, self._eof)
            if self._eof:
                if not self._buffer:
                    return None
                cut = len(self._buffer)
                break
            if len(ends):
                cut = int(ends[-1]) + 1
                break
            if len(self._buffer) > MAX_RECORD_BYTES:
                raise _Fallback()
            self._fill()
        block = self._buffer[:cut]
        first_line = self._line
        self._buffer = self._buffer[cut:]
        newlines, quotes, ends = newlines[newlines < cut], quotes[quotes < cut], ends[ends < cut]
        self._line += len(newlines)
        return first_line, block, newlines, quotes, ends

    def _block_chunks(self, first_line: int, block: bytes, newlines: np.ndarray, quotes: np.ndarray,
                      ends: np.ndarray) -> list[ColumnChunk]:
        arr = np.frombuffer(block, np.uint8)
        if not block.isascii():
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = first_line + int(np.searchsorted(newlines, exc.start))
                raise ImportFailed(f"{self.member.label}: near line {line}: not UTF-8 text ({_short(exc)})") from None
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [len(block)]))
        if starts[-1] == len(block):                       # the block ends with a newline
            starts, stops = starts[:-1], stops[:-1]
        content_stop = stops - ((stops > starts) & (arr[np.maximum(stops - 1, 0)] == _CR))
        filled = content_stop > starts                     # blank lines are no records
        lines = first_line + np.searchsorted(newlines, starts[filled])
        table, invalid = self._parse(block, bool(len(quotes)))
        ragged: list[tuple[int, list[str]]] = []
        if invalid or table.num_rows != len(lines):
            table, lines, ragged = self._without_ragged(arr, block, starts[filled], stops[filled],
                                                        content_stop[filled], quotes, lines)
        # A record of empty fields holds at most "" per field and the commas between them.
        short = (content_stop[filled] - starts[filled] <= 3 * self.width - 1).any()
        lengths = [pc.binary_length(column) for column in table.columns] if short else []
        if lengths and len(lines):
            total = lengths[0]
            for length in lengths[1:]:
                total = pc.add(total, length)
            nonempty = pc.greater(total, 0)
            if not pc.all(nonempty).as_py():                # rows of empty fields are no rows
                table = table.filter(nonempty)
                lines = lines[nonempty.to_numpy(zero_copy_only=False)]
        if not len(lines):
            return [ColumnChunk(lines, [pa.chunked_array([], pa.string())] * self.width, ragged)] if ragged else []
        offsets = list(range(0, len(lines), self.chunk_rows))
        owner = np.maximum(np.searchsorted(lines[offsets], [line for line, _ in ragged], side="right") - 1, 0)
        return [ColumnChunk(lines[offset:offset + self.chunk_rows], table.slice(offset, self.chunk_rows).columns,
                            [r for r, o in zip(ragged, owner) if o == k])
                for k, offset in enumerate(offsets)]

    def _without_ragged(self, arr, block, starts, stops, content_stop, quotes, lines):
        """The block parsed again without its records that have the wrong number of fields,
        which are returned as ``(line, row)``; the slow path, for files with such records."""
        commas = np.flatnonzero(arr == _COMMA)
        if len(quotes):
            commas = commas[(np.searchsorted(quotes, commas) & 1) == 0]
        fields = 1 + np.searchsorted(commas, stops) - np.searchsorted(commas, starts)
        good = fields == self.width
        ragged = [(int(lines[i]), self._row(block, starts[i], content_stop[i])) for i in np.flatnonzero(~good)]
        kept = b"".join(block[starts[i]:stops[i]] + b"\n" for i in np.flatnonzero(good))
        table, invalid = self._parse(kept, bool(len(quotes)))
        if invalid or table.num_rows != int(good.sum()):
            raise _Fallback()          # never seen; the csv module is the reference
        return table, lines[good], ragged

    @staticmethod
    def _row(block: bytes, start: int, stop: int) -> list[str]:
        """One record parsed by the csv module (for the few that need a closer look)."""
        return next(csv.reader(io.StringIO(block[start:stop].decode("utf-8"), newline="")), [])

    def _parse(self, block: bytes, quoted: bool) -> tuple[pa.Table, int]:
        """The block as a table of string columns, and how many records pyarrow skipped
        because their number of fields is wrong."""
        names = [f"c{i}" for i in range(self.width)]
        invalid = []

        def skip(row) -> str:
            invalid.append(row)
            return "skip"

        if not block:
            return pa.table({n: pa.array([], pa.string()) for n in names}), 0
        table = pacsv.read_csv(
            pa.py_buffer(block),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=quoted, ignore_empty_lines=True,
                                             invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        return table, len(invalid)
