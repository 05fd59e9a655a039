"""Schema 17: intelligence search finds the same words on PostgreSQL as on SQLite.

FTS5's ``unicode61`` tokenizer (SQLite) makes words of letters and digits only, in lower
case and without diacritics: ``4.5`` is ``4`` and ``5``, ``07700-900123`` is ``07700``
and ``900123``, ``Café`` is ``cafe``. PostgreSQL's text parser keeps decimals, e-mail
addresses, host names and signed numbers whole and keeps accents, so the same search
found other reports there. On PostgreSQL the search index is now made of the text with
Latin letters folded (:data:`FOLDING`, the table the search terms are folded with too)
and ASCII punctuation turned into spaces (``workbench_search_words``). SQLite is
unchanged.
"""

import unicodedata

_LATIN = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]


def _folded(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 and base.isascii() and base.isalpha() else char


#: Latin letters with diacritics -> the letter without: ``str.maketrans`` pairs, the same
#: for the index (SQL ``translate``) and for the search terms (Python).
FOLDING = {chr(c): _folded(chr(c)) for c in _LATIN if _folded(chr(c)) != chr(c)}

_FROM = "".join(FOLDING)
_TO = "".join(FOLDING.values())

POSTGRESQL = f"""
CREATE FUNCTION workbench_search_words(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT regexp_replace(translate(lower($1), '{_FROM}', '{_TO}'), '[[:punct:]]+', ' ', 'g') $$;
ALTER TABLE intel_fts DROP COLUMN tsv;
ALTER TABLE intel_fts ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', workbench_search_words(text || ' ' || location_desc || ' ' || entities))) STORED;
CREATE INDEX intel_fts_tsv ON intel_fts USING GIN (tsv);
"""
