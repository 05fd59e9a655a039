"""The same searches find the same reports, and mark the same words, on SQLite (FTS5)
and on PostgreSQL (a tsvector with a GIN index): phrases, prefixes, OR, punctuation
inside words, accents, normalised entities and filters."""

from __future__ import annotations

import re

import pytest

from workbench.intel.importer import import_intel
from workbench.intel.search import search_reports
from workbench.store import open_store

HEADER = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,text\n"
ROWS = [
    "E/1,2025-01-10,3x5x2,1,A,P,,O17,O17 is dealing cocaine from a red van AB12 CDE on the High Street",
    "E/2,2025-02-10,3x5x2,2,B,P,,,Red van seen outside the café on Station Road at 10:30",
    'E/3,2025-03-10,5x5x5,B,2,4,,,"Cocaine stored at the lock-up, paid £4.5k; contact o17@example.com"',
    "E/4,2025-03-20,5x5x5,A,1,1,,O17,O'Brien's phone 07700-900123 called the High Street lock-up",
    "E/5,2025-03-25,5x5x5,C,3,1,,,Naïve courier carries 4.5 kilos weekly from the Cafe Royal",
    "E/6,2025-03-26,5x5x5,B,2,1,,,Burglary at flat 4/5 Highbury; a highly organised team_b crew",
    "E/7,2025-03-27,3x5x2,1,A,P,,,A CAFÉ owner reports red cars; www.example.com/report posted",
]

#: (what an analyst types, keyword arguments, the reports it must find)
SEARCHES = [
    ("cocaine", {}, ["E/1", "E/3"]),
    ('"red van"', {}, ["E/1", "E/2"]),
    ('"van red"', {}, []),
    ("high*", {}, ["E/1", "E/4", "E/6"]),
    ('"high street"', {}, ["E/1", "E/4"]),
    ("cocaine OR burglary", {}, ["E/1", "E/3", "E/6"]),
    ("red OR lock-up", {}, ["E/1", "E/2", "E/3", "E/4", "E/7"]),
    ("lock-up", {}, ["E/3", "E/4"]),
    ("cafe", {}, ["E/2", "E/5", "E/7"]),
    ("café", {}, ["E/2", "E/5", "E/7"]),
    ("naive", {}, ["E/5"]),
    ("4.5", {}, ["E/5", "E/6"]),                  # 4 and 5, as "flat 4/5" has
    ("07700-900123", {}, ["E/4"]),
    ("900123", {}, ["E/4"]),
    ("example", {}, ["E/3", "E/7"]),
    ("o17@example.com", {}, ["E/3"]),
    ("brien", {}, ["E/4"]),
    ("team_b", {}, ["E/6"]),
    ("10:30", {}, ["E/2"]),
    ("ab12cde", {}, ["E/1"]),                       # the normalised vehicle, though the text says AB12 CDE
    ("o17", {}, ["E/1", "E/3", "E/4"]),
    ("07700900123", {}, ["E/4"]),                   # the normalised phone
    ("red", {"grading": "3x5x2"}, ["E/1", "E/2", "E/7"]),
    ("red", {"date_from": "2025-02-01", "handling": ["P"]}, ["E/2", "E/7"]),
    ("high*", {"entity": "person:O17"}, ["E/1", "E/4"]),
    ("", {"entity": "AB12 CDE"}, ["E/1"]),
]


@pytest.fixture
def both(tmp_path, pg_server):
    """The same reports in a SQLite store and in a PostgreSQL store."""
    path = tmp_path / "intel.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    stores = [open_store(tmp_path / "s.sqlite"), open_store(pg_server.new_database())]
    for store in stores:
        assert import_intel(store, path).imported == len(ROWS)
    yield stores
    for store in stores:
        store.close()
    pg_server.drop_all()


def found(store, text, **kw):
    return [r["intel_ref"] for r in search_reports(store, text or None, **kw)]


def marked(reports) -> dict[str, list[str]]:
    return {r["intel_ref"]: sorted(w.lower() for m in re.findall(r"\[([^]]*)]", r["snippet"]) for w in m.split())
            for r in reports}


@pytest.mark.parametrize("text, kw, expected", SEARCHES, ids=[f"{t}{kw or ''}" for t, kw, _ in SEARCHES])
def test_the_same_search_finds_the_same_reports_on_both_engines(both, text, kw, expected):
    sqlite, postgresql = both
    assert sorted(found(sqlite, text, **kw)) == expected
    assert sorted(found(postgresql, text, **kw)) == expected


@pytest.mark.parametrize("text", ["cocaine", '"high street"', "high*", "cafe", "4.5", "lock-up", "red OR burglary"])
def test_snippets_mark_the_same_words_on_both_engines(both, text):
    on_sqlite, on_postgresql = (marked(search_reports(s, text)) for s in both)
    assert on_postgresql == on_sqlite and any(on_sqlite.values())


def test_the_better_match_ranks_first_on_both_engines(both):
    """Ranked by relevance (BM25 on SQLite, ts_rank on PostgreSQL): reports with both
    words before the one with only one of them."""
    for store in both:
        ranked = found(store, "red OR van")
        assert sorted(ranked[:2]) == ["E/1", "E/2"] and ranked[2:] == ["E/7"]
