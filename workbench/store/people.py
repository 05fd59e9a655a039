"""Writing and reading nominals, missing-person episodes and victim references.

The importers write through :class:`NominalWriter` and :class:`EpisodeWriter` inside
their one transaction (a reference already stored is a duplicate and is not written
again). Readers return DataFrames for the people analyses (:mod:`workbench.people`).
Victims are the pseudonymous ``victim_ref`` of offences (offence CSV 1.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pandas as pd

from workbench.store.db import Store, now_iso

NOMINAL_COLUMNS = (
    "nominal_ref", "surname", "forenames", "date_of_birth", "sex", "height_cm", "build", "ethnicity_code",
    "home_easting", "home_northing", "home_borough", "home_ward", "offending", "conditions", "curfew_from",
    "curfew_to", "exclusion_wkt", "review_date", "security_marking",
)
EPISODE_COLUMNS = (
    "episode_ref", "person_ref", "reported_at", "found_at", "last_seen_easting", "last_seen_northing",
    "found_easting", "found_northing", "risk", "home_type", "flags", "borough",
)


def _stored(store: Store, table: str, column: str, refs: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(refs), 900):
        part = list(refs[start:start + 900])
        found.update(r[0] for r in store._conn.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({','.join('?' * len(part))})", part))
    return found


class _RecordWriter:
    """Appends records with a unique reference to ``table`` inside the caller's transaction."""

    table = ""
    key = ""
    columns: tuple[str, ...] = ()

    def __init__(self, store: Store, batch_id: int | None):
        self.store, self.batch_id = store, batch_id
        self.imported = self.duplicates = 0
        self._stamp = now_iso()

    def write(self, records: Sequence[dict]) -> list[int]:
        """Store the records not stored yet; return their new ids."""
        known = _stored(self.store, self.table, self.key, [r[self.key] for r in records])
        ids = []
        for rec in records:
            if rec[self.key] in known:
                self.duplicates += 1
                continue
            known.add(rec[self.key])
            extra = json.dumps(rec["extra"], ensure_ascii=False) if rec.get("extra") else None
            row_id = self.store._insert(self.table, {**{c: rec.get(c) for c in self.columns}, "extra": extra,
                                                     "imported_at": self._stamp, "batch_id": self.batch_id})
            ids.append(row_id)
            self.written(row_id, rec)
        self.imported += len(ids)
        return ids

    def written(self, row_id: int, record: dict) -> None:
        """Hook for rows kept beside the record (a nominal's flags)."""


class NominalWriter(_RecordWriter):
    """Writes nominals and their flags."""

    table, key, columns = "nominals", "nominal_ref", NOMINAL_COLUMNS

    def written(self, row_id: int, record: dict) -> None:
        self.store._conn.executemany("INSERT OR IGNORE INTO nominal_flags (nominal_id, flag) VALUES (?, ?)",
                                    [(row_id, f) for f in record.get("flags", ())])


class EpisodeWriter(_RecordWriter):
    """Writes missing-person episodes."""

    table, key, columns = "missing_episodes", "episode_ref", EPISODE_COLUMNS


def write_nominals(store: Store, records: Iterable[dict]) -> int:
    """Store hand-made nominals (tests): dicts of :data:`NOMINAL_COLUMNS` plus ``flags``."""
    with store.atomic():
        writer = NominalWriter(store, None)
        writer.write([{c: r.get(c) for c in NOMINAL_COLUMNS}
                      | {"flags": r.get("flags", []),
                         "security_marking": r.get("security_marking") or "OFFICIAL-SENSITIVE"}
                      for r in records])
    return writer.imported


def write_episodes(store: Store, records: Iterable[dict]) -> int:
    """Store hand-made missing episodes (tests): dicts of :data:`EPISODE_COLUMNS`."""
    with store.atomic():
        writer = EpisodeWriter(store, None)
        writer.write([{c: r.get(c) for c in EPISODE_COLUMNS} for r in records])
    return writer.imported


# -- reading ----------------------------------------------------------------------

def _text_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for NULL (pandas' string dtype would give
    NaN, which is not text and not JSON)."""
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def load_nominals(store: Store, *, flags: Sequence[str] | None = None, refs: Sequence[str] | None = None) -> pd.DataFrame:
    """Nominals (any of ``flags``; only ``refs``) with a ``flags`` column of lists, by reference."""
    clauses, params = [], []
    if flags:
        clauses.append(f"id IN (SELECT nominal_id FROM nominal_flags WHERE flag IN ({','.join('?' * len(flags))}))")
        params += list(flags)
    if refs is not None:
        clauses.append(f"nominal_ref IN ({','.join('?' * len(refs)) or 'NULL'})")
        params += list(refs)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = store._frame(f"SELECT id, {', '.join(NOMINAL_COLUMNS)} FROM nominals{where} ORDER BY nominal_ref", params)
    flag_rows = store._frame("SELECT nominal_id, flag FROM nominal_flags ORDER BY flag")
    by_id = flag_rows.groupby("nominal_id")["flag"].apply(list).to_dict()
    frame = _text_as_objects(frame)
    frame["flags"] = [by_id.get(i, []) for i in frame["id"]]
    return frame


def nominal_counts(store: Store) -> dict:
    """How many nominals carry each flag, and in all."""
    out = dict(store._conn.execute("SELECT flag, count(*) FROM nominal_flags GROUP BY flag ORDER BY flag"))
    out["all"] = store._conn.execute("SELECT count(*) FROM nominals").fetchone()[0]
    return out


def load_episodes(store: Store, *, person_refs: Sequence[str] | None = None, since: str | None = None) -> pd.DataFrame:
    """Missing episodes (of ``person_refs``; reported on or after ``since``), oldest first,
    with ``reported_at``/``found_at`` as datetimes and ``imported_at`` (UTC ISO text)."""
    clauses, params = [], []
    if person_refs is not None:
        clauses.append(f"person_ref IN ({','.join('?' * len(person_refs)) or 'NULL'})")
        params += list(person_refs)
    if since:
        clauses.append("reported_at >= ?")
        params.append(since)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = store._frame(f"SELECT id, {', '.join(EPISODE_COLUMNS)}, imported_at FROM missing_episodes{where} "
                              "ORDER BY reported_at, id", params)
    for col in ("reported_at", "found_at"):
        frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    return _text_as_objects(frame)


def victim_offences(store: Store, *, victim_refs: Sequence[str] | None = None, since: str | None = None) -> pd.DataFrame:
    """Offences with a victim reference: id, offence_ref, victim_ref, category,
    committed_from (datetime), easting, northing, borough, ward, location_desc."""
    clauses, params = ["victim_ref IS NOT NULL"], []
    if victim_refs is not None:
        clauses.append(f"victim_ref IN ({','.join('?' * len(victim_refs)) or 'NULL'})")
        params += list(victim_refs)
    if since:
        clauses.append("committed_from >= ?")
        params.append(since)
    frame = store._frame(
        "SELECT id, offence_ref, victim_ref, category, committed_from, easting, northing, borough, ward, "
        f"location_desc FROM offences WHERE {' AND '.join(clauses)} ORDER BY committed_from, id", params)
    frame["committed_from"] = pd.to_datetime(frame["committed_from"], format="ISO8601")
    return _text_as_objects(frame)


def people_offences(store: Store, refs: Sequence[str] | None = None) -> pd.DataFrame:
    """Offences linked to people (all, or the ``refs``): person, id, offence_ref, category,
    committed_from, committed_to (datetimes), easting, northing, status."""
    where, params = "", []
    if refs is not None:
        where = f" WHERE p.offender_key IN ({','.join('?' * len(refs)) or 'NULL'})"
        params = list(refs)
    frame = store._frame(
        "SELECT p.offender_key AS person, o.id, o.offence_ref, o.category, o.committed_from, o.committed_to, "
        "o.easting, o.northing, o.status FROM offence_offenders oo JOIN offenders p ON p.id = oo.offender_id "
        f"JOIN offences o ON o.id = oo.offence_id{where} ORDER BY o.committed_from", params)
    for col in ("committed_from", "committed_to"):
        frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    return frame


def latest_activity(store: Store, refs: Sequence[str]) -> dict[str, dict]:
    """Per person: the date (ISO) of their latest offence, intelligence report and missing
    episode, where any (``{"offence": ..., "intel": ..., "missing": ...}``)."""
    out: dict[str, dict] = {r: {} for r in refs}
    if not refs:
        return out
    marks = ",".join("?" * len(refs))
    queries = {
        "offence": "SELECT p.offender_key, max(o.committed_from) FROM offence_offenders oo JOIN offenders p "
                   "ON p.id = oo.offender_id JOIN offences o ON o.id = oo.offence_id "
                   f"WHERE p.offender_key IN ({marks}) GROUP BY p.offender_key",
        "intel": "SELECT e.value, max(r.recorded_at) FROM intel_entities e JOIN intel_mentions m ON m.entity_id = e.id "
                 f"JOIN intel_reports r ON r.id = m.report_id WHERE e.kind = 'person' AND e.value IN ({marks}) "
                 "GROUP BY e.value",
        "missing": f"SELECT person_ref, max(reported_at) FROM missing_episodes WHERE person_ref IN ({marks}) "
                   "GROUP BY person_ref",
    }
    for kind, sql in queries.items():
        for ref, when in store._conn.execute(sql, list(refs)):
            out[ref][kind] = when
    return out



def offences_and_series(store: Store, ids: Sequence[int], also: Sequence[int] = ()) -> pd.DataFrame:
    """The offences ``ids`` (and ``also``), and every offence sharing a force series
    reference with one of ``ids``: id, offence_ref, category, committed_from (datetime),
    easting, northing, series_ref, and ``new`` (True for ``ids``)."""
    marks = ",".join(str(int(i)) for i in ids) or "NULL"
    extra = ",".join(str(int(i)) for i in also) or "NULL"
    frame = store._frame(
        "SELECT id, offence_ref, category, committed_from, easting, northing, series_ref FROM offences "
        f"WHERE id IN ({marks}) OR id IN ({extra}) OR series_ref IN (SELECT series_ref FROM offences "
        f"WHERE id IN ({marks}) AND series_ref IS NOT NULL) ORDER BY committed_from, id")
    frame["committed_from"] = pd.to_datetime(frame["committed_from"], format="ISO8601")
    frame["new"] = frame["id"].isin([int(i) for i in ids])
    return _text_as_objects(frame)
