"""The block reader gives exactly what Python's csv module gives (rows, the line each
starts on, rows with the wrong number of fields), in small blocks and large, for tidy
RFC 4180 files (the fast path) and untidy ones (read by the csv module itself)."""

from __future__ import annotations

import csv
import gzip
import io
import random

import pytest

import workbench.ingest.csvblocks as blocks
from workbench.ingest import ImportFailed
from workbench.ingest.textfiles import members


def reference(text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[tuple[int, list[str]]]]:
    """(header, [(line, row)] with the header's width, [(line, row)] without), by csv."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader)
    good, ragged = [], []
    start = reader.line_num + 1
    for row in reader:
        if any(row):
            (good if len(row) == len(header) else ragged).append((start, row))
        start = reader.line_num + 1
    return header, good, ragged


def read(path, chunk_rows: int = 7):
    (member,) = members(path)
    reader = blocks.ChunkReader(member, chunk_rows)
    good, ragged = [], []
    for chunk in reader.chunks():
        assert len(chunk) <= chunk_rows
        good += list(zip(chunk.lines.tolist(), chunk.rows()))
        ragged += chunk.ragged
    return reader.header, good, ragged


def random_csv(seed: int, rows: int, *, tidy: bool) -> str:
    rng = random.Random(seed)
    cells = ["", "a", "plain words", "comma, inside", "quote \" inside", "two\nlines", "crlf\r\nin value",
             "  spaces  ", "caf\u00e9", "\u200bzero-width", "x" * 50]

    def cell() -> str:
        value = rng.choice(cells)
        if any(ch in value for ch in ",\"\r\n") or rng.random() < 0.1:
            return '"' + value.replace('"', '""') + '"'
        return value

    out = ["id,name,place,note"]
    for i in range(rows):
        width = 4 if rng.random() > 0.05 else rng.choice([1, 3, 5])
        out.append(",".join([str(i)] + [cell() for _ in range(width - 1)]))
        if rng.random() < 0.03:
            out.append("")                       # blank line
        if rng.random() < 0.02:
            out.append(",,,")                   # a row of empty fields
        if not tidy and rng.random() < 0.02:
            out.append(f'{i},un"tidy,x,y')      # a quote inside an unquoted field
    return "\r\n".join(out) + ("\r\n" if rng.random() < 0.5 else "")


@pytest.mark.parametrize("block_bytes", [64, 1000, 1 << 20])
@pytest.mark.parametrize("tidy", [True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_rows_lines_and_ragged_rows_as_the_csv_module(tmp_path, monkeypatch, block_bytes, tidy, seed):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", block_bytes)
    text = random_csv(seed, 400, tidy=tidy)
    path = tmp_path / "random.csv"
    path.write_bytes(text.encode("utf-8"))
    assert read(path) == reference(text)


def test_gzip_bom_and_a_last_line_without_newline(tmp_path):
    text = '\ufeffa,b\n1,"x\ny"\n\n2,3'
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    assert read(path) == (["a", "b"], [(2, ["1", "x\ny"]), (5, ["2", "3"])], [])


def test_old_mac_line_ends_are_read_by_the_csv_module(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b\r1,2\r3,4\r")
    header, good, _ = read(path)
    assert header == ["a", "b"] and [row for _, row in good] == [["1", "2"], ["3", "4"]]


def test_not_utf8_is_refused_with_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 16)
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,b\n1,2\n3,4\n5,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match="latin1.csv: near line 4: not UTF-8 text"):
        read(path)
