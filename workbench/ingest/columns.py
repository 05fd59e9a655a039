"""Whole-column helpers for the column parsers: trimmed text, numbers, codes of repeated
values and normalised references, on the pyarrow string columns of a
:class:`~workbench.ingest.csvblocks.ColumnChunk`, without a Python loop over rows."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.domain.refs import normalise_ref
from workbench.store.offences import Distinct

_NULL_TEXT = pa.scalar(None, pa.string())


def text(column) -> pa.ChunkedArray:
    """The column with surrounding spaces removed (by the ASCII kernel, four times
    faster, when every cell is ASCII: the two agree on ASCII text)."""
    if pc.all(pc.string_is_ascii(column)).as_py() is not False:
        return pc.ascii_trim_whitespace(column)
    return pc.utf8_trim_whitespace(column)


def blank(column) -> np.ndarray:
    """Where the (trimmed) column is empty."""
    return _bools(pc.equal(column, ""))


def nulls_for_blanks(column):
    """The column with its empty cells null (None in Python)."""
    return pc.if_else(pc.equal(column, ""), _NULL_TEXT, column)


def _bools(column) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)


def numbers(column) -> np.ndarray:
    """The (trimmed) column as floats; NaN where it is empty or not a number."""
    try:
        return pc.cast(nulls_for_blanks(column), pa.float64()).to_numpy(
            zero_copy_only=False)
    except pa.ArrowException:    # some cell is not a number (or not castable): the slower exact path
        return pd.to_numeric(pd.Series(column.to_pylist(), dtype=object), errors="coerce").to_numpy(float)


def codes(column) -> tuple[np.ndarray, list]:
    """``(codes, values)``: each row's index into the column's distinct ``values``, so a
    rule is checked once per distinct value (months, crime types) rather than per row."""
    values = pc.unique(column)
    return pc.index_in(column, value_set=values).to_numpy(zero_copy_only=False).astype(np.int64), values.to_pylist()


def refs(column) -> list[str]:
    """The column as references (:func:`workbench.domain.refs.normalise_ref`); only
    cells with non-ASCII or control characters go through Python."""
    values = text(column).to_pylist()
    odd = pc.invert(pc.ascii_is_printable(column))
    for i in np.flatnonzero(_bools(odd)).tolist():
        values[i] = normalise_ref(values[i])
    return values


def take(column, rows: np.ndarray | None):
    """The given rows of a column (all when ``rows`` is None)."""
    return column if rows is None else column.take(pa.array(rows))


def json_objects(named: list[tuple[str, pa.ChunkedArray]]) -> Distinct:
    """Each row's non-empty cells as a JSON object text, keys in the given order (the
    text ``json.dumps(..., ensure_ascii=False)`` makes), None where every cell is empty;
    each distinct object is made once, as one Python string, however many rows share
    it. Each column's distinct values are quoted once (whole dictionary columns in
    pyarrow), and rows are told apart by integer codes."""
    rows = len(named[0][1]) if named else 0
    combination, span = np.zeros(rows, dtype=np.int64), 1
    codes, members = [], []
    for key, column in named:
        encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
        codes.append(encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64))
        members.append(np.array(_json_members(key, encoded.dictionary), dtype=object))
        if span * len(members[-1]) >= 2 ** 62:      # numbered afresh before the code could overflow
            combination = np.unique(combination, return_inverse=True)[1].reshape(-1)
            span = rows
        combination, span = combination * len(members[-1]) + codes[-1], span * len(members[-1])
    _, first, inverse = np.unique(combination, return_index=True, return_inverse=True)
    texts = ["".join(parts) for parts in zip(*(member[code[first]] for member, code in zip(members, codes)))]
    present = np.array([bool(text) for text in texts] + [False])
    number = np.full(len(present), -1, dtype=np.int64)
    number[present] = np.arange(int(present.sum()))
    # Interned: a text made again for a later chunk is the same string, its hash already
    # known, so the writer's lookups of the texts it has stored cost next to nothing.
    return Distinct(number[inverse.reshape(-1)], [sys.intern("{" + text[2:] + "}") for text in texts if text])


def _json_members(key: str, values: pa.Array) -> list[str]:
    """``', "key": "value"'`` for each distinct value ('' for an empty one), escaped as
    the json module does (control characters, rare, by the json module itself)."""
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"').to_pylist()
    control = _bools(pc.match_substring_regex(values, r"[\x00-\x1f]"))
    prefix = f", {json.dumps(key, ensure_ascii=False)}: "
    return [("" if not value else prefix + json.dumps(value, ensure_ascii=False)) if odd else
            ("" if not text else f'{prefix}"{text}"')
            for value, text, odd in zip(values.to_pylist(), escaped, control.tolist())]
