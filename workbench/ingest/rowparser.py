"""What the record importers of people data share: header check, field count, a unique
reference per file, and field parsers that raise :class:`BadField` with the column
and reason a reject reports.

A format subclasses :class:`KeyedRowParser`, names its ``kind``, ``what``, ``REQUIRED``
and ``KNOWN`` columns and its ``key`` column, and implements ``record(get, line)``;
:func:`workbench.ingest.offence_import.run_import` does the rest (reading, chunks, batch,
kept rejects, one transaction).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable

from workbench.domain.grading import MARKINGS, normalise_marking
from workbench.domain.refs import normalise_ref
from workbench.ingest.coords import in_bng_bounds
from workbench.ingest.offence_import import raw_row
from workbench.ingest.textfiles import checked_header
from workbench.ingest.timeparse import BadDate, parse_when
from workbench.release.marking import above
from workbench.store.batches import Reject

Getter = Callable[[str], str]


class BadField(ValueError):
    """A field that breaks the format: the row is rejected with this column and reason."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def required(get: Getter, column: str) -> str:
    """The column's value; BadField if it is empty."""
    value = get(column)
    if not value:
        raise BadField(column, f"{column} is empty")
    return value


def when(get: Getter, column: str, *, need: bool = False) -> str | None:
    """An ISO 8601 date or date-time (local time) or None when empty and not needed."""
    text = required(get, column) if need else get(column)
    if not text:
        return None
    try:
        return parse_when(text)[0]
    except BadDate as exc:
        raise BadField(column, f"{column}: {exc}") from None


def day(get: Getter, column: str) -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) or None."""
    stamp = when(get, column)
    return stamp[:10] if stamp else None


def number(get: Getter, column: str, low: float, high: float) -> float | None:
    """A number between ``low`` and ``high`` or None when empty."""
    text = get(column)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadField(column, f"{column} {text!r} is not a number")
    if not low <= value <= high:
        raise BadField(column, f"{column} {text} is outside {low:g} to {high:g}")
    return value


def choice(get: Getter, column: str, allowed, normalise=lambda s: s.lower()) -> str | None:
    """One of ``allowed`` (after ``normalise``) or None when empty."""
    text = get(column)
    if not text:
        return None
    value = normalise(text)
    if value not in allowed:
        raise BadField(column, f"{column} {text!r} is not one of: {', '.join(allowed)}")
    return value


def point(get: Getter, x_col: str, y_col: str) -> tuple[float | None, float | None]:
    """A British National Grid point (both or neither given), inside Great Britain."""
    x_text, y_text = get(x_col), get(y_col)
    if not (x_text or y_text):
        return None, None
    for col, text, other in ((x_col, x_text, y_col), (y_col, y_text, x_col)):
        if not text:
            raise BadField(col, f"{other} is given but {col} is empty")
    x, y = number(get, x_col, -math.inf, math.inf), number(get, y_col, -math.inf, math.inf)
    if not in_bng_bounds(x, y):
        raise BadField(x_col, f"{x_col}/{y_col} {x:g}, {y:g} is outside Great Britain's National Grid")
    return x, y


def marking(get: Getter, column: str = "security_marking") -> str:
    """A Government Security Classification marking (default OFFICIAL-SENSITIVE)."""
    value = normalise_marking(get(column))
    if value is None:
        raise BadField(column, f"{column} {get(column)!r} is not {', '.join(MARKINGS[:-1])} or {MARKINGS[-1]}")
    return value


def split(text: str) -> list[str]:
    """A ``;``-separated cell as its non-empty, stripped parts."""
    return [part.strip() for part in text.split(";") if part.strip()]


def above_accreditation(index: dict[str, int], row: list[str], key: str, level: str | None) -> tuple[str, dict] | None:
    """``(reason, raw)`` when ``row`` is marked (column ``security_marking``) above the
    store's accreditation ``level``, else None. ``raw`` keeps only the row's reference and
    marking, so nothing of a refused row is stored, not even among the rejects."""
    def cell(name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    marking = normalise_marking(cell("security_marking"))
    if level is None or marking is None or not above(marking, level):
        return None
    return (f"security_marking {marking} is above the store's accreditation level {level}: the row was not "
            "imported", {key: cell(key), "security_marking": cell("security_marking")})


class KeyedRowParser(ABC):
    """Row parser for a CSV of records with a unique reference column ``key``.

    References are normalised (:func:`workbench.domain.refs.normalise_ref`) as offence
    references are. A reference repeated within one file is rejected at its second line; columns not in
    ``KNOWN`` are kept with the record as extra attributes.
    """

    kind = ""
    what = ""
    key = ""
    zip_suffix = None
    REQUIRED: tuple[str, ...] = ()
    KNOWN: frozenset[str] = frozenset()
    #: The store's accreditation level: rows marked above it are refused (None: no marking column).
    accreditation: str | None = None

    def start_member(self, label: str, header: list[str]) -> None:
        self.label, self.header = label, header
        names = checked_header(label, header, self.REQUIRED, self.what)
        self.index = {n: i for i, n in enumerate(names) if n}
        self.extras = [(n, i) for n, i in self.index.items() if n not in self.KNOWN]
        self.seen: dict[str, int] = {}

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[list, list[Reject]]:
        records, rejects = [], []
        for line, row in zip(lines, rows):
            outcome = self.parse(line, row)
            (rejects if isinstance(outcome, Reject) else records).append(outcome)
        return records, rejects

    def parse(self, line: int, row: list[str]):
        """One row as a record, or a :class:`Reject` with column and reason."""
        def reject(column: str | None, reason: str) -> Reject:
            return Reject(self.label, line, column, reason, raw_row(self.header, row))

        refused = above_accreditation(self.index, row, self.key, self.accreditation)
        if refused is not None:
            return Reject(self.label, line, "security_marking", refused[0], refused[1])
        if len(row) != len(self.header):
            return reject(None, f"row has {len(row)} fields but the header has {len(self.header)}")

        def get(name: str) -> str:
            return row[self.index[name]].strip() if name in self.index else ""

        ref = normalise_ref(get(self.key))
        if not ref:
            return reject(self.key, f"{self.key} is empty")
        if ref in self.seen:
            return reject(self.key, f"{self.key} {ref!r} already appears at line {self.seen[ref]} of this file")
        try:
            record = self.record(get)
        except BadField as exc:
            return reject(exc.column, exc.reason)
        record[self.key] = ref
        record["extra"] = {n: row[i].strip() for n, i in self.extras if row[i].strip()} or None
        self.seen[ref] = line
        return record

    @abstractmethod
    def record(self, get: Getter) -> dict:
        """The clean record of a row (raise BadField for a bad value)."""
