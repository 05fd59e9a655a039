"""Whole-column helpers for the column parsers: trimmed text, numbers, codes of repeated
values and normalised references, on the pyarrow string columns of a
:class:`~workbench.ingest.csvblocks.ColumnChunk`, without a Python loop over rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.domain.refs import normalise_ref

_NULL_TEXT = pa.scalar(None, pa.string())


def text(column) -> pa.ChunkedArray:
    """The column with surrounding spaces removed."""
    return pc.utf8_trim_whitespace(column)


def blank(column) -> np.ndarray:
    """Where the (trimmed) column is empty."""
    return _bools(pc.equal(column, ""))


def _bools(column) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)


def numbers(column) -> np.ndarray:
    """The (trimmed) column as floats; NaN where it is empty or not a number."""
    try:
        return pc.cast(pc.if_else(pc.equal(column, ""), _NULL_TEXT, column), pa.float64()).to_numpy(
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
    odd = pc.or_(pc.invert(pc.string_is_ascii(column)), pc.match_substring_regex(column, r"[\x00-\x1f\x7f]"))
    for i in np.flatnonzero(_bools(odd)).tolist():
        values[i] = normalise_ref(values[i])
    return values


def take(column, rows: np.ndarray | None):
    """The given rows of a column (all when ``rows`` is None)."""
    return column if rows is None else column.take(pa.array(rows))
