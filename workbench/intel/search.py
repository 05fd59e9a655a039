"""Full-text search over intelligence (SQLite FTS5), combinable with filters.

:func:`search_reports` is what the Intelligence view, ``workbench intel search`` and the
scan's saved intelligence searches call. Free text is turned into a *safe* FTS5 query
(:func:`fts_query`): words must all occur (any order), ``"quoted phrases"`` must occur as
written, ``word*`` matches a prefix and ``OR`` between two terms allows either; any other
punctuation is treated as part of a word, so analysts never meet FTS syntax errors.
Entity values are indexed normalised, so ``AB12CDE`` finds a report that wrote
``AB12 CDE`` and ``07700900123`` one that wrote ``07700 900 123``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from workbench.domain.grading import INTELLIGENCE, SOURCE, SYSTEMS, Grade, badge_colour
from workbench.errors import BadInput
from workbench.ingest.timeparse import period_bounds
from workbench.intel.entities import NORMALISERS, find_phones, find_postcodes, is_vrm
from workbench.store import Store
from workbench.store.intel import ENTITY_KINDS, IntelFilter, fetch_reports, query_report_ids, snippets

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+(?:\*)?")


def fts_query(text: str | None) -> str | None:
    """An FTS5 query for analyst-typed ``text`` (None when it holds no searchable word).

    >>> fts_query('red van "high street" AB12*')
    '"red" "van" "high street" "ab12"*'
    >>> fts_query('burglary OR robbery')
    '"burglary" OR "robbery"'
    """
    if not text:
        return None
    parts: list[str] = []
    for phrase, word in _TERM.findall(text):
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        if phrase:
            tokens = _WORD.findall(phrase.replace("*", " "))
            if tokens:
                parts.append('"' + " ".join(t.lower() for t in tokens) + '"')
            continue
        for token in _WORD.findall(word):
            prefix = token.endswith("*")
            body = token.rstrip("*").lower()
            if body:
                parts.append(f'"{body}"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    while parts and parts[0] == "OR":
        parts.pop(0)
    return " ".join(parts) or None


def parse_entity(value: str) -> tuple[str | None, str]:
    """``kind:value`` or a bare value, as the ``(kind, normalised value)`` stored.

    A bare value is recognised as a registration mark, phone number or postcode by
    shape; anything else is matched as written against every kind (e.g. a person).
    """
    text = value.strip()
    kind, _, rest = text.partition(":")
    if rest and kind.lower() in ENTITY_KINDS:
        return kind.lower(), NORMALISERS[kind.lower()](rest)
    if is_vrm(text):
        return "vehicle", NORMALISERS["vehicle"](text)
    phones = find_phones(text)
    if phones and phones[0].end - phones[0].start >= len(text) - 1:
        return "phone", phones[0].value
    codes = find_postcodes(text.upper())
    if codes and codes[0].end - codes[0].start == len(text):
        return "postcode", codes[0].value
    return None, text


def parse_grading(values: str | Iterable[str] | None) -> list[tuple[str | None, str | None, str | None]]:
    """Grading filters as ``(system, source, intelligence)`` triples.

    Each value is a system (``3x5x2``, ``5x5x5``), an evaluation (``1A``/``2B`` are
    3x5x2, ``B2``/``A1`` 5x5x5), or a system and evaluation (``5x5x5:B2``).
    """
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    out = []
    for item in items:
        text = item.strip().upper().replace(" ", "")
        system, _, evaluation = text.lower().partition(":")
        if system in SYSTEMS and not evaluation:
            out.append((system, None, None))
            continue
        evaluation = (evaluation or text).upper()
        candidates = [s for s in SYSTEMS if (system in SYSTEMS and s == system) or system not in SYSTEMS]
        found = [(s, evaluation[0], evaluation[1:]) for s in candidates
                 if len(evaluation) == 2 and evaluation[0] in SOURCE[s] and evaluation[1:] in INTELLIGENCE[s]]
        if not found:
            raise BadInput(f"grading {item!r} is not a system (3x5x2, 5x5x5) or an evaluation such as 1A or B2")
        out.extend(found)
    return out


def _bound(value: str | None, *, end: bool) -> str | None:
    """Dates and months become whole-period bounds; date-times pass through."""
    if not value:
        return None
    return period_bounds(value, end=end) if len(value.strip()) in (7, 10) else value.strip()


def search_reports(store: Store, text: str | None = None, *, since: str | None = None,
                   date_from: str | None = None, date_to: str | None = None,
                   grading: str | Sequence[str] | None = None, entity: str | Sequence[str] | None = None,
                   bbox: tuple[float, float, float, float] | None = None,
                   borough: str | Sequence[str] | None = None, handling: str | Sequence[str] | None = None,
                   source: str | None = None, limit: int | None = None, offset: int = 0,
                   marks: tuple[str, str] = ("[", "]")) -> list[dict]:
    """Reports matching every given filter, as a list of dicts.

    Parameters
    ----------
    text : free text (see :func:`fts_query`); results are then ranked best match first,
        otherwise newest first.
    since : only reports *imported* at or after this ISO date/date-time (UTC), which is
        what a scan asks for ("new intelligence since the last scan").
    date_from, date_to : ``recorded_at`` bounds; a date or month ``date_to`` includes the
        whole day/month (``date_to='2025-03'`` ends on 31 March).
    grading : system(s) and/or evaluation(s), see :func:`parse_grading`; any may match.
    entity : entity value(s) (``AB12 CDE``, ``07700 900123``, ``SW1A 1AA``, ``O17`` or
        ``person:O17``); every one given must be mentioned.
    bbox : ``(minx, miny, maxx, maxy)`` in British National Grid metres.
    borough : borough name(s); handling : handling code(s) (``P``, ``C``, ``1``..``5``).
    source : the importing source name. limit/offset : paging.

    Each dict holds the ``intel_reports`` columns (``id``, ``intel_ref``, ``recorded_at``,
    ``grading``, ``source_eval``, ``intel_eval``, ``handling``, ``handling_conditions``,
    ``text``, ``easting``, ``northing``, ``location_desc``, ``borough``, ``ward``,
    ``security_marking``, ``review_date``, ``imported_at``...) plus ``grade`` (e.g.
    ``1A P``), ``badge`` (a colour for the grade) and, when ``text`` was given,
    ``snippet`` (the text around the matches, each match between the two ``marks``:
    ``[...]`` by default; the app passes control characters it turns into highlighting).
    """
    fts = fts_query(text)
    flt = IntelFilter(
        fts=fts, imported_since=since, date_from=_bound(date_from, end=False), date_to=_bound(date_to, end=True),
        evaluations=parse_grading(grading) or None,
        handling=[handling] if isinstance(handling, str) else handling,
        entities=[parse_entity(e) for e in ([entity] if isinstance(entity, str) else entity or [])],
        bbox=bbox, boroughs=[borough] if isinstance(borough, str) else borough,
        sources=[source] if source else None)
    ids = query_report_ids(store, flt, ranked=bool(fts), limit=limit, offset=offset)
    reports = fetch_reports(store, ids)
    found = snippets(store, fts, ids, before=marks[0], after=marks[1]) if fts else {}
    for rep in reports:
        decorate(rep)
        if fts:
            rep["snippet"] = found.get(rep["id"], "")
    return reports


def decorate(report: dict) -> dict:
    """Add ``grade`` (``1A P``) and ``badge`` (colour) to a report dict; returns it."""
    grade = Grade(report["grading"], report["source_eval"], report["intel_eval"], report["handling"],
                  report.get("handling_conditions"))
    report["grade"] = grade.code
    report["badge"] = badge_colour(grade.system, grade.source, grade.intelligence)
    return report
