"""Entities in intelligence text: UK vehicle registration marks, UK phone numbers,
postcodes and known person identifiers.

Each recogniser returns :class:`workbench.store.intel.Mention` objects with the entity's
*normalised* value (how it is stored and searched) and its character span in the text
(for highlighting). Values given in a report's columns go through the same normalisers,
so ``AB12 CDE`` in the text and ``ab12cde`` in ``vehicles`` are one vehicle.

Rules (written to keep false positives down; documented in the user guide):

- **VRMs**: the current format (``AB12 CDE``: two letters, a valid age identifier
  ``02``-``29`` or ``51``-``79``, three letters; any case) and, in capitals only, the
  older prefix (``A123 BCD``) and suffix (``ABC 123D``) formats. Letters I and Q never
  appear in the random letters.
- **Phones**: UK numbers written nationally (``07700 900123``, ``020 7946 0018``) or
  internationally (``+44 7700 900123``, ``0044 ...``), with spaces, hyphens or brackets;
  mobile ``07`` and geographic/non-geographic ``01``/``02``/``03`` ranges; 10 or 11
  digits nationally. Normalised to national digits (``07700900123``).
- **Postcodes**: the Royal Mail pattern in capitals (``SW1A 1AA``, ``E1 6AN``,
  ``M1 1AE``), with or without the space; normalised to ``OUTWARD INWARD``.
- **People**: whole-token matches (case-insensitive) of identifiers the store already
  knows (offenders and intelligence subjects).

Where two recognisers claim overlapping text, the longer match wins (a phone number is
never also read as part of a postcode).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.domain.refs import normalise_ref
from workbench.store.intel import Mention

_AGE = r"(?:0[2-9]|1\d|2\d|5[1-9]|6\d|7\d)"
_RANDOM = r"[A-HJ-PR-Z]"
_VRM_CURRENT = re.compile(rf"(?<![A-Za-z0-9])([A-HJ-PR-Y][A-HJ-PR-Z]){_AGE}\s?{_RANDOM}{{3}}(?![A-Za-z0-9])",
                          re.IGNORECASE)
_VRM_PREFIX = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Y][1-9]\d{0,2}\s?[A-HJ-PR-Z]{3}(?![A-Za-z0-9])")
_VRM_SUFFIX = re.compile(r"(?<![A-Za-z0-9])[A-HJ-PR-Z]{3}\s?[1-9]\d{0,2}[A-HJ-NPR-Y](?![A-Za-z0-9])")
_VRM_WHOLE = re.compile(r"[A-Z]{2}\d{2}[A-Z]{3}|[A-Z]\d{1,3}[A-Z]{3}|[A-Z]{3}\d{1,3}[A-Z]")

_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)"      # +44 / 0044 / 0 / (0
    r"([1-37])(?:[\s\-)]{0,2}\d){8,9}(?![\w])")

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-PR-UWYZ](?:[A-HK-Y]?\d[A-Z\d]?|\d[A-HJKPSTUW]?)|GIR)\s?(\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])")

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def normalise_vrm(text: str) -> str:
    """A registration mark as stored: capitals, no spaces (``AB12CDE``)."""
    return re.sub(r"[\s\-]", "", text).upper()


def normalise_phone(text: str) -> str:
    """A phone number as national digits (``+44 (0)7700 900123`` -> ``07700900123``).

    Numbers that are not UK numbers keep their digits with a leading ``+``.
    """
    digits = re.sub(r"\D", "", text)
    international = text.strip().startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if international:
        if digits.startswith("44"):
            rest = digits[2:]
            return rest if rest.startswith("0") else "0" + rest
        return "+" + digits
    return digits


def normalise_postcode(text: str) -> str:
    """A postcode as ``OUTWARD INWARD`` in capitals (``sw1a1aa`` -> ``SW1A 1AA``)."""
    compact = re.sub(r"\s", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def normalise_person(text: str) -> str:
    """A person identifier as stored: a reference like offence references (NFC, invisible
    characters and surrounding spaces removed, :func:`workbench.domain.refs.normalise_ref`),
    so it matches the same person's ``offender_ids``."""
    return normalise_ref(text)


NORMALISERS = {"person": normalise_person, "vehicle": normalise_vrm, "phone": normalise_phone,
               "postcode": normalise_postcode}


def find_vehicles(text: str) -> list[Mention]:
    """UK registration marks in ``text`` (see the module rules)."""
    found = [Mention("vehicle", normalise_vrm(m.group()), "text", m.start(), m.end())
             for m in _VRM_CURRENT.finditer(text)]
    for pattern in (_VRM_PREFIX, _VRM_SUFFIX):
        found += [Mention("vehicle", normalise_vrm(m.group()), "text", m.start(), m.end())
                  for m in pattern.finditer(text)]
    return found


def find_phones(text: str) -> list[Mention]:
    """UK phone numbers in ``text``, normalised to national digits."""
    found = []
    for m in _PHONE.finditer(text):
        value = normalise_phone(m.group())
        national = value[1:] if value.startswith("0") else ""
        if national[:1] == "7" and len(value) != 11:
            continue                   # mobiles are always 11 digits
        if len(value) not in (10, 11) or not value.startswith("0"):
            continue
        found.append(Mention("phone", value, "text", m.start(), m.end()))
    return found


def find_postcodes(text: str) -> list[Mention]:
    """Postcodes (in capitals) in ``text``."""
    return [Mention("postcode", f"{m.group(1)} {m.group(2)}", "text", m.start(), m.end())
            for m in _POSTCODE.finditer(text)]


def find_people(text: str, known: Iterable[str] | dict[str, str]) -> list[Mention]:
    """Whole-token, case-insensitive matches of known person identifiers.

    ``known`` is an iterable of identifiers or a prepared ``{upper: identifier}`` map
    (see :func:`people_index`), which is faster when called for many texts.
    """
    index = known if isinstance(known, dict) else people_index(known)
    if not index:
        return []
    return [Mention("person", index[m.group().upper()], "text", m.start(), m.end())
            for m in _TOKEN.finditer(text) if m.group().upper() in index]


def people_index(known: Iterable[str]) -> dict[str, str]:
    """``{IDENTIFIER: identifier}`` for :func:`find_people`."""
    return {k.upper(): k for k in known if k and k.strip()}


def find_entities(text: str, known_people: Iterable[str] | dict[str, str] = ()) -> list[Mention]:
    """Every entity in ``text``, in order, overlaps resolved (the longer match wins)."""
    if not text:
        return []
    candidates = (find_phones(text) + find_vehicles(text) + find_postcodes(text)
                  + find_people(text, known_people))
    candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: list[tuple[int, int]] = []
    kept = []
    for m in candidates:
        if any(m.start < end and start < m.end for start, end in taken):
            continue
        taken.append((m.start, m.end))
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def is_vrm(value: str) -> bool:
    """True if ``value`` (any spacing/case) has the shape of a UK registration mark."""
    return bool(_VRM_WHOLE.fullmatch(normalise_vrm(value)))
