"""Writing and reading intelligence reports, the entities they mention and their FTS index.

The importer writes through :class:`IntelWriter` inside its one transaction; readers
serve search (:class:`IntelFilter`, :func:`query_report_ids`, :func:`fetch_reports`), the
report pane (:func:`report_detail`) and the link chart (:func:`mention_links`,
:func:`offence_links`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from workbench.domain.grading import Grade
from workbench.store.db import Store, now_iso
from workbench.store.migrations.m017_search_words import FOLDING

REPORT_COLUMNS = (
    "id", "source", "intel_ref", "recorded_at", "grading", "source_eval", "intel_eval",
    "handling", "handling_conditions", "text", "easting", "northing", "longitude", "latitude",
    "location_desc", "borough", "ward", "security_marking", "review_date", "extra",
    "imported_at", "batch_id",
)
ENTITY_KINDS = ("person", "vehicle", "phone", "postcode")


@dataclass
class Mention:
    """An entity a report mentions: from a column (``subject``/``column``) or its text."""

    kind: str
    value: str
    origin: str = "text"
    start: int | None = None
    end: int | None = None


@dataclass
class IntelRecord:
    """One clean intelligence report ready to store (importer and generator output)."""

    source: str
    intel_ref: str
    recorded_at: str
    grade: Grade
    text: str
    easting: float = math.nan
    northing: float = math.nan
    longitude: float = math.nan
    latitude: float = math.nan
    location_desc: str | None = None
    borough: str | None = None
    ward: str | None = None
    security_marking: str = "OFFICIAL-SENSITIVE"
    review_date: str | None = None
    extra: dict | None = None
    mentions: list[Mention] = field(default_factory=list)
    offence_refs: list[str] = field(default_factory=list)

    @property
    def located(self) -> bool:
        return not (math.isnan(self.easting) and math.isnan(self.longitude))


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else value


class IntelWriter:
    """Appends reports to a store inside the caller's transaction.

    A report whose ``(source, intel_ref)`` is already stored counts as a duplicate and is
    not written again.
    """

    def __init__(self, store: Store, batch_id: int | None):
        self.store = store
        self.batch_id = batch_id
        self.imported = 0
        self.duplicates = 0
        self._next_id = store._conn.execute("SELECT coalesce(max(id), 0) FROM intel_reports").fetchone()[0] + 1
        self._entities: dict[tuple[str, str], int] = {}
        self._stamp = now_iso()

    def existing_refs(self, source: str, refs: Sequence[str]) -> set[str]:
        """Which of ``refs`` are already stored for ``source``."""
        found: set[str] = set()
        for start in range(0, len(refs), 900):
            part = list(refs[start:start + 900])
            found.update(r[0] for r in self.store._conn.execute(
                f"SELECT intel_ref FROM intel_reports WHERE source = ? AND intel_ref IN ({','.join('?' * len(part))})",
                (source, *part)))
        return found

    def write(self, records: Sequence[IntelRecord]) -> list[int]:
        """Store ``records`` (skipping ones already stored); return the new ids."""
        by_source: dict[str, list[str]] = {}
        for rec in records:
            by_source.setdefault(rec.source, []).append(rec.intel_ref)
        known = {s: self.existing_refs(s, refs) for s, refs in by_source.items()}
        rows, mentions, offence_refs, fts, new_ids = [], [], [], [], []
        for rec in records:
            if rec.intel_ref in known[rec.source]:
                self.duplicates += 1
                continue
            known[rec.source].add(rec.intel_ref)
            rid = self._next_id
            self._next_id += 1
            new_ids.append(rid)
            g = rec.grade
            rows.append((
                rid, rec.source, rec.intel_ref, rec.recorded_at, g.system, g.source, g.intelligence,
                g.handling, g.conditions, rec.text, _number(rec.easting), _number(rec.northing),
                _number(rec.longitude), _number(rec.latitude), rec.location_desc, rec.borough, rec.ward,
                rec.security_marking, rec.review_date,
                json.dumps(rec.extra, ensure_ascii=False) if rec.extra else None, self._stamp, self.batch_id))
            seen = set()
            for m in rec.mentions:
                key = (m.kind, m.value, m.origin, m.start)
                if key not in seen:
                    seen.add(key)
                    mentions.append((rid, self._entity_id(m.kind, m.value), m.origin, m.start, m.end))
            offence_refs.extend((rid, ref) for ref in dict.fromkeys(rec.offence_refs))
            values = " ".join(sorted({m.value for m in rec.mentions}))
            fts.append((rid, rec.text, rec.location_desc or "", values))
        conn = self.store._conn
        conn.executemany(
            f"INSERT INTO intel_reports ({', '.join(REPORT_COLUMNS)}) VALUES ({','.join('?' * len(REPORT_COLUMNS))})",
            rows)
        conn.executemany("INSERT INTO intel_mentions (report_id, entity_id, origin, start, end) VALUES (?,?,?,?,?)",
                         mentions)
        conn.executemany("INSERT INTO intel_offence_refs (report_id, offence_ref) VALUES (?,?)", offence_refs)
        conn.executemany("INSERT INTO intel_fts (rowid, text, location_desc, entities) VALUES (?,?,?,?)", fts)
        self.imported += len(rows)
        return new_ids

    def _entity_id(self, kind: str, value: str) -> int:
        key = (kind, value)
        if key not in self._entities:
            conn = self.store._conn
            conn.execute("INSERT OR IGNORE INTO intel_entities (kind, value) VALUES (?, ?)", key)
            self._entities[key] = conn.execute(
                "SELECT id FROM intel_entities WHERE kind = ? AND value = ?", key).fetchone()[0]
        return self._entities[key]


# -- reading ----------------------------------------------------------------------

@dataclass
class IntelFilter:
    """What intelligence search filters on. Empty = everything.

    ``fts`` is an FTS5 query (already made safe by :mod:`workbench.intel.search`);
    ``evaluations`` are ``(system, source, intelligence)`` triples with ``None`` meaning
    any; ``entities`` are ``(kind, value)`` pairs that must *all* be mentioned (a kind of
    ``None`` matches any kind).
    """

    fts: str | None = None
    imported_since: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    evaluations: Sequence[tuple[str | None, str | None, str | None]] | None = None
    handling: Sequence[str] | None = None
    entities: Sequence[tuple[str | None, str]] | None = None
    bbox: tuple[float, float, float, float] | None = None
    boroughs: Sequence[str] | None = None
    sources: Sequence[str] | None = None
    ids: Sequence[int] | None = None

    def where(self, engine: str = "sqlite") -> tuple[str, list]:
        """SQL WHERE clause over ``intel_reports r`` (without the keyword) and parameters,
        for the store's ``engine`` (full-text search differs)."""
        clauses, params = [], []
        if self.fts:
            clauses.append(f"r.id IN (SELECT rowid FROM intel_fts WHERE {_matches(engine)})")
            params.append(_fts_param(self.fts, engine))
        for column, value, op in (("imported_at", self.imported_since, ">="),
                                  ("recorded_at", self.date_from, ">="),
                                  ("recorded_at", self.date_to, "<")):
            if value:
                clauses.append(f"r.{column} {op} ?")
                params.append(value)
        if self.evaluations:
            options = []
            for system, source, intel in self.evaluations:
                parts = [f"r.{col} = ?" for col, v in (("grading", system), ("source_eval", source),
                                                       ("intel_eval", intel)) if v]
                params += [v for v in (system, source, intel) if v]
                options.append("(" + (" AND ".join(parts) or "TRUE") + ")")
            clauses.append("(" + " OR ".join(options) + ")")
        if self.handling:
            clauses.append(f"r.handling IN ({','.join('?' * len(self.handling))})")
            params += list(self.handling)
        for kind, value in self.entities or ():
            sub = ("r.id IN (SELECT m.report_id FROM intel_mentions m JOIN intel_entities e ON e.id = m.entity_id "
                   "WHERE e.value = ?" + (" AND e.kind = ?)" if kind else ")"))
            clauses.append(sub)
            params += [value] + ([kind] if kind else [])
        if self.bbox:
            minx, miny, maxx, maxy = self.bbox
            clauses.append("r.easting BETWEEN ? AND ? AND r.northing BETWEEN ? AND ?")
            params += [minx, maxx, miny, maxy]
        for column, values in (("borough", self.boroughs), ("source", self.sources)):
            if values:
                clauses.append(f"r.{column} IN ({','.join('?' * len(values))})")
                params += list(values)
        if self.ids is not None:
            clauses.append(f"r.id IN ({','.join(str(int(i)) for i in self.ids) or 'NULL'})")
        return (" AND ".join(clauses) or "TRUE"), params


def query_report_ids(store: Store, flt: IntelFilter | None = None, *, ranked: bool = False,
                     limit: int | None = None, offset: int = 0) -> list[int]:
    """Ids of matching reports: best FTS match first when ``ranked``, else newest first."""
    flt = flt or IntelFilter()
    where, params = flt.where(store.engine)
    if ranked and flt.fts:
        rank = ("ts_rank(f.tsv, to_tsquery('simple', ?)) DESC" if store.engine == "postgresql"
                else "bm25(intel_fts)")
        sql = (f"SELECT r.id FROM intel_reports r JOIN intel_fts f ON f.rowid = r.id "
               f"WHERE {_matches(store.engine, 'f.')} AND {where} ORDER BY {rank}, r.recorded_at DESC")
        query = _fts_param(flt.fts, store.engine)
        params = [query] + params + ([query] if store.engine == "postgresql" else [])
    else:
        sql = f"SELECT r.id FROM intel_reports r WHERE {where} ORDER BY r.recorded_at DESC, r.id DESC"
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [row[0] for row in store._conn.execute(sql, params)]


def fetch_reports(store: Store, ids: Sequence[int]) -> list[dict]:
    """Reports as dicts (``extra`` decoded), in the order of ``ids``."""
    found: dict[int, dict] = {}
    for start in range(0, len(ids), 900):
        part = [int(i) for i in ids[start:start + 900]]
        for rec in store._rows(f"SELECT {', '.join(REPORT_COLUMNS)} FROM intel_reports "
                               f"WHERE id IN ({','.join('?' * len(part))})", part):
            rec["extra"] = json.loads(rec["extra"]) if rec["extra"] else {}
            found[rec["id"]] = rec
    return [found[int(i)] for i in ids if int(i) in found]


def snippets(store: Store, fts: str, ids: Sequence[int], *, before: str = "[", after: str = "]") -> dict[int, str]:
    """Snippets of the report text around the matched terms (FTS5's ``snippet`` on
    SQLite, :func:`_snippet` on PostgreSQL: the same words marked), keyed by report id."""
    if not ids:
        return {}
    marks = ",".join(str(int(i)) for i in ids)
    if store.engine == "postgresql":
        terms = _search_terms(fts)
        rows = store._conn.execute(f"SELECT rowid, text FROM intel_fts WHERE {_matches(store.engine)} "
                                   f"AND rowid IN ({marks})", (_fts_param(fts, store.engine),))
        return {rid: _snippet(text, terms, before, after) for rid, text in rows}
    cur = store._conn.execute(
        f"SELECT rowid, snippet(intel_fts, 0, ?, ?, '…', {SNIPPET_WORDS}) FROM intel_fts "
        f"WHERE intel_fts MATCH ? AND rowid IN ({marks})", (before, after, fts))
    return dict(cur.fetchall())


#: How many words a snippet shows.
SNIPPET_WORDS = 16


def _snippet(text: str, terms: list[tuple[list[str], bool]], before: str, after: str) -> str:
    """Up to :data:`SNIPPET_WORDS` words of ``text`` from just before its first match,
    each match of a term (its words in a row; the last one a prefix when the term ends in
    ``*``) between ``before`` and ``after``, ``…`` where text is left out: what FTS5's
    ``snippet`` gives on SQLite.

    >>> _snippet("Red van, AB12 CDE, seen at the café.", [(["van"], False), (["cafe"], False)], "[", "]")
    'Red [van], AB12 CDE, seen at the [café].'
    """
    tokens = list(_SEARCH_WORD.finditer(text))
    words = [t.group().lower().translate(_FOLD) for t in tokens]
    spans: set[tuple[int, int]] = set()
    for phrase, prefix in terms:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            last = words[i + n - 1]
            if words[i:i + n - 1] == phrase[:-1] and (last.startswith(phrase[-1]) if prefix else last == phrase[-1]):
                spans.add((i, i + n - 1))
    first = min(spans)[0] if spans else 0
    start = max(0, min(first - 2, len(tokens) - SNIPPET_WORDS))
    end = min(len(tokens), start + SNIPPET_WORDS)
    if not tokens:
        return text
    out, at = ["…" if start else ""], tokens[start].start() if start else 0
    for a, b in sorted(s for s in spans if start <= s[0] and s[1] < end):
        if tokens[a].start() < at:
            continue
        out += [text[at:tokens[a].start()], before, text[tokens[a].start():tokens[b].end()], after]
        at = tokens[b].end()
    out.append(text[at:] if end == len(tokens) else text[at:tokens[end - 1].end()] + "…")
    return "".join(out)


def _search_terms(fts: str) -> list[tuple[list[str], bool]]:
    """The terms of an FTS5 query made by :func:`workbench.intel.search.fts_query`, each
    as its folded words and whether its last word is a prefix."""
    terms = []
    for phrase, star, _bar in _FTS_TERM.findall(fts):
        words = _SEARCH_WORD.findall(phrase.translate(_FOLD))
        if words:
            terms.append((words, bool(star)))
    return terms


def _matches(engine: str, prefix: str = "") -> str:
    """The condition "this row of ``intel_fts`` matches the query parameter"."""
    if engine == "postgresql":
        return f"{prefix}tsv @@ to_tsquery('simple', ?)"
    return "intel_fts MATCH ?"


_FTS_TERM = re.compile(r'"([^"]*)"(\*?)|(OR)')
#: The words of a search term as PostgreSQL's index holds them (migration m017): Latin
#: letters folded, split at anything but a letter or digit, as FTS5 does on SQLite.
_FOLD = str.maketrans(FOLDING)
_SEARCH_WORD = re.compile(r"[^\W_]+")


def _fts_param(fts: str, engine: str) -> str:
    """The search as the engine takes it: the FTS5 query made by
    :func:`workbench.intel.search.fts_query` on SQLite, the same query as a tsquery on
    PostgreSQL (AND binds before OR in both; a phrase's words follow one another).

    >>> _fts_param('"red" "high street" OR "ab12"*', "postgresql")
    "'red' & 'high' <-> 'street' | 'ab12':*"
    >>> _fts_param('"café" "a_b"', "postgresql")
    "'cafe' & 'a' <-> 'b'"
    """
    if engine != "postgresql":
        return fts
    out: list[str] = []
    for phrase, star, bar in _FTS_TERM.findall(fts):
        if bar:
            out.append("|")
            continue
        words = [f"'{w}'" for w in _SEARCH_WORD.findall(phrase.translate(_FOLD))]
        if not words:
            continue
        if star:
            words[-1] += ":*"
        if out and out[-1] != "|":
            out.append("&")
        out.append(" <-> ".join(words))
    return " ".join(out)


def mentions(store: Store, report_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """(report_id, kind, value, origin, start, end) for the given reports (or all)."""
    sql = ("SELECT m.report_id, e.kind, e.value, m.origin, m.start, m.end FROM intel_mentions m "
           "JOIN intel_entities e ON e.id = m.entity_id")
    if report_ids is not None:
        sql += f" WHERE m.report_id IN ({','.join(str(int(i)) for i in report_ids) or 'NULL'})"
    return store._frame(sql + " ORDER BY m.report_id, m.start")


def offence_refs(store: Store, report_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """(report_id, offence_ref, offence_id) with offence_id NULL when not (yet) imported."""
    sql = ("SELECT l.report_id, l.offence_ref, (SELECT o.id FROM offences o WHERE o.offence_ref = l.offence_ref "
           "ORDER BY o.id LIMIT 1) AS offence_id FROM intel_offence_refs l")
    if report_ids is not None:
        sql += f" WHERE l.report_id IN ({','.join(str(int(i)) for i in report_ids) or 'NULL'})"
    return store._frame(sql)


def report_detail(store: Store, report_id: int) -> dict | None:
    """A report with its mentions and related offences, for the report pane and CLI."""
    found = fetch_reports(store, [report_id])
    if not found:
        return None
    detail = found[0]
    detail["mentions"] = mentions(store, [report_id]).drop(columns="report_id").to_dict("records")
    for m in detail["mentions"]:
        for key in ("start", "end"):
            m[key] = None if pd.isna(m[key]) else int(m[key])
    refs = offence_refs(store, [report_id])
    detail["offences"] = [{"offence_ref": r.offence_ref, "offence_id": None if pd.isna(r.offence_id) else int(r.offence_id)}
                          for r in refs.itertuples()]
    return detail


def find_report(store: Store, ref: str) -> int | None:
    """The id of the report with reference ``ref`` (any source; numeric id accepted too)."""
    row = store._conn.execute("SELECT id FROM intel_reports WHERE intel_ref = ? ORDER BY id LIMIT 1", (ref,)).fetchone()
    if row is None and ref.isdigit():
        row = store._conn.execute("SELECT id FROM intel_reports WHERE id = ?", (int(ref),)).fetchone()
    return row[0] if row else None


def known_people(store: Store) -> set[str]:
    """Every person identifier the store knows: offenders and intelligence subjects."""
    keys = {r[0] for r in store._conn.execute("SELECT offender_key FROM offenders")}
    keys.update(r[0] for r in store._conn.execute("SELECT value FROM intel_entities WHERE kind = 'person'"))
    return keys


# -- link chart and person page sources ----------------------------------------------

def offence_person_edges(store: Store) -> pd.DataFrame:
    """(offence_id, offender_key, role) for every offence with a known person."""
    return store._frame(
        "SELECT oo.offence_id, p.offender_key, oo.role FROM offence_offenders oo "
        "JOIN offenders p ON p.id = oo.offender_id")


def entity_edges(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Report-entity links ``(report_id, kind, value, relation)`` (``subject`` when a
    column names the person as the report's subject, else ``mentions``) and report-offence
    links ``(report_id, offence_ref, offence_id)``."""
    links = store._frame(
        "SELECT m.report_id, e.kind, e.value, "
        "CASE WHEN max(CASE WHEN m.origin = 'subject' THEN 1 ELSE 0 END) = 1 THEN 'subject' ELSE 'mentions' END "
        "AS relation "
        "FROM intel_mentions m JOIN intel_entities e ON e.id = m.entity_id "
        "GROUP BY m.report_id, e.kind, e.value")
    return links, offence_refs(store)


def offence_nodes(store: Store, ids: Iterable[int]) -> pd.DataFrame:
    """Offences (id, offence_ref, category, committed_from, location_desc, series_ref)."""
    ids = sorted({int(i) for i in ids})
    frames = [store._frame(
        "SELECT id, offence_ref, category, committed_from, location_desc, series_ref FROM offences "
        f"WHERE id IN ({','.join(map(str, ids[s:s + 900]))})") for s in range(0, len(ids), 900)]
    if not frames:
        return pd.DataFrame(columns=["id", "offence_ref", "category", "committed_from", "location_desc", "series_ref"])
    return pd.concat(frames, ignore_index=True)


def intel_nodes(store: Store) -> pd.DataFrame:
    """Reports (id, intel_ref, recorded_at, grading, source_eval, intel_eval, handling,
    handling_conditions, security_marking, location_desc)."""
    return store._frame(
        "SELECT id, intel_ref, recorded_at, grading, source_eval, intel_eval, handling, handling_conditions, "
        "security_marking, location_desc FROM intel_reports")


def person_offences(store: Store, key: str) -> pd.DataFrame:
    """The offences a person is linked to, with role, newest first."""
    return store._frame(
        "SELECT o.id, o.offence_ref, o.category, o.committed_from, o.location_desc, o.borough, o.ward, "
        "o.easting, o.northing, o.status, o.series_ref, oo.role FROM offence_offenders oo "
        "JOIN offenders p ON p.id = oo.offender_id JOIN offences o ON o.id = oo.offence_id "
        "WHERE p.offender_key = ? ORDER BY o.committed_from DESC", (key,))


def co_offenders(store: Store, key: str) -> pd.DataFrame:
    """Other people on the same offences as ``key``: (person, offences)."""
    return store._frame(
        "SELECT q.offender_key AS person, count(DISTINCT b.offence_id) AS offences "
        "FROM offenders p JOIN offence_offenders a ON a.offender_id = p.id "
        "JOIN offence_offenders b ON b.offence_id = a.offence_id AND b.offender_id != p.id "
        "JOIN offenders q ON q.id = b.offender_id WHERE p.offender_key = ? "
        "GROUP BY q.offender_key ORDER BY offences DESC, person", (key,))


def co_mentions(store: Store, report_ids: Sequence[int], key: str) -> pd.DataFrame:
    """Entities mentioned in the given reports other than person ``key``: (kind, value, reports)."""
    ids = ",".join(str(int(i)) for i in report_ids) or "NULL"
    return store._frame(
        "SELECT e.kind, e.value, count(DISTINCT m.report_id) AS reports FROM intel_mentions m "
        f"JOIN intel_entities e ON e.id = m.entity_id WHERE m.report_id IN ({ids}) "
        "AND NOT (e.kind = 'person' AND e.value = ?) GROUP BY e.kind, e.value "
        "ORDER BY reports DESC, e.kind, e.value", (key,))


def person_known(store: Store, key: str) -> bool:
    """True if ``key`` is an offender or an intelligence subject."""
    return store._conn.execute(
        "SELECT 1 FROM offenders WHERE offender_key = ? UNION ALL "
        "SELECT 1 FROM intel_entities WHERE kind = 'person' AND value = ? LIMIT 1", (key, key)).fetchone() is not None
