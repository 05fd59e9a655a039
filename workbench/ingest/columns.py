"""Whole-column helpers for the column parsers: trimmed text, numbers, codes of repeated
values and normalised references, on the pyarrow string columns of a
:class:`~workbench.ingest.csvblocks.ColumnChunk`, without a Python loop over rows."""

from __future__ import annotations

import json

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


class JsonObjects:
    """Makes each row's non-empty cells into a JSON object text, keys in the given order
    (the text ``json.dumps(..., ensure_ascii=False)`` makes), None where every cell is
    empty, remembering across the chunks of an import: each distinct value of a column is
    quoted once, and each distinct combination made into its text once (police.uk: about
    33,000 texts for a million rows). Rows are told apart by integer codes and the
    combinations seen before are found with numpy, so Python only sees new ones."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        self._seen = [pa.array([], pa.string()) for _ in keys]      # each column's values so far
        self._members: list[list[str]] = [[] for _ in keys]        # their JSON members, by number
        # Combinations made so far (value numbers, one row each), their hashes (sorted)
        # and their text numbers (-1: every cell empty).
        self._combinations = np.zeros((0, len(keys)), dtype=np.int64)
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._numbers = np.zeros(0, dtype=np.int64)
        self.texts: list[str] = []

    def __call__(self, columns: list) -> Distinct:
        """The texts of these columns' rows (one column per key), as codes into
        :attr:`texts` (which grows as new combinations come)."""
        rows = len(columns[0])
        combination, span = np.zeros(rows, dtype=np.int64), 1
        numbered = []
        for k, column in enumerate(columns):
            encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
            values = encoded.dictionary
            number = np.array(pc.index_in(values, value_set=self._seen[k]).fill_null(-1), dtype=np.int64)
            new = np.flatnonzero(number < 0)
            if len(new):
                fresh = values.take(pa.array(new))
                number[new] = np.arange(len(self._seen[k]), len(self._seen[k]) + len(new))
                self._seen[k] = pa.concat_arrays([self._seen[k], fresh])
                self._members[k].extend(_json_members(self.keys[k], fresh))
            local = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            numbered.append(number[local])
            if span * len(values) >= 2 ** 62:      # counted afresh before the code could overflow
                combination = np.unique(combination, return_inverse=True)[1].reshape(-1)
                span = rows
            combination, span = combination * len(values) + local, span * len(values)
        _, first, inverse = np.unique(combination, return_index=True, return_inverse=True)
        found = self._text_numbers(np.stack([n[first] for n in numbered], axis=1))
        return Distinct(found[inverse.reshape(-1)], self.texts)

    def _text_numbers(self, combinations: np.ndarray) -> np.ndarray:
        """The text number of each combination (one per row), new ones made now."""
        hashes = _row_hashes(combinations)
        at = np.minimum(np.searchsorted(self._hashes, hashes), max(len(self._hashes) - 1, 0))
        known = np.zeros(len(hashes), dtype=bool)
        if len(self._hashes):
            known = (self._hashes[at] == hashes) & (self._combinations[at] == combinations).all(axis=1)
        numbers = np.where(known, self._numbers[at] if len(self._numbers) else 0, -1)
        new = np.flatnonzero(~known)
        for i in new.tolist():
            text = "".join(members[v] for members, v in zip(self._members, combinations[i].tolist()))
            if text:
                numbers[i] = len(self.texts)
                self.texts.append("{" + text[2:] + "}")
        if len(new):      # a hash shared by two combinations only costs the second a new text
            order = np.argsort(np.concatenate((self._hashes, hashes[new])), kind="stable")
            self._hashes = np.concatenate((self._hashes, hashes[new]))[order]
            self._combinations = np.concatenate((self._combinations, combinations[new]))[order]
            self._numbers = np.concatenate((self._numbers, numbers[new]))[order]
        return numbers


def _row_hashes(rows: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of small non-negative integers (a multiply-xor mix)."""
    h = np.full(len(rows), 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in rows.T.astype(np.uint64):
            h = (h ^ column) * np.uint64(0x100000001B3)
            h ^= h >> np.uint64(29)
    return h


def _json_members(key: str, values: pa.Array) -> list[str]:
    """``', "key": "value"'`` for each distinct value ('' for an empty one), escaped as
    the json module does (control characters, rare, by the json module itself)."""
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"').to_pylist()
    control = _bools(pc.match_substring_regex(values, r"[\x00-\x1f]"))
    prefix = f", {json.dumps(key, ensure_ascii=False)}: "
    return [("" if not value else prefix + json.dumps(value, ensure_ascii=False)) if odd else
            ("" if not text else f'{prefix}"{text}"')
            for value, text, odd in zip(values.to_pylist(), escaped, control.tolist())]
