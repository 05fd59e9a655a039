"""Entity recognition on hand-made texts: what must be found and what must not."""

from __future__ import annotations

import pytest

from workbench.intel.entities import (
    find_entities,
    find_phones,
    find_postcodes,
    find_vehicles,
    normalise_phone,
    normalise_vrm,
)


def values(mentions, kind=None):
    return [m.value for m in mentions if kind is None or m.kind == kind]


@pytest.mark.parametrize("text,expected", [
    ("Seen in a silver Ford AB12 CDE on the estate", ["AB12CDE"]),
    ("vrm ab12cde parked up", ["AB12CDE"]),
    ("old car A123 BCD and another ABC 123D", ["A123BCD", "ABC123D"]),
    ("LD70 XYZ then KX19ABC", ["LD70XYZ", "KX19ABC"]),
])
def test_vehicles_found(text, expected):
    assert sorted(values(find_vehicles(text))) == sorted(expected)


@pytest.mark.parametrize("text", [
    "He is aged 25 and lives at number 12",    # numbers are not plates
    "Ref AB99 CDE is not a plate (no 99 age identifier)",
    "AB12 CQE has a Q in the random letters",
    "Crime ref CR12345/25",
    "old format in lower case a123 bcd is just words",
])
def test_vehicles_not_found(text):
    assert values(find_vehicles(text)) == []


@pytest.mark.parametrize("text,expected", [
    ("call 07700 900123 after 6", "07700900123"),
    ("mobile +44 7700 900123", "07700900123"),
    ("on +44 (0)7700 900123", "07700900123"),
    ("0044 7700 900 123 is his", "07700900123"),
    ("landline 020 7946 0018", "02079460018"),
    ("(0161) 496 0000 office", "01614960000"),
    ("07700-900-123", "07700900123"),
])
def test_phones_found(text, expected):
    assert values(find_phones(text)) == [expected]


@pytest.mark.parametrize("text", [
    "crime number 12345678901",     # no leading 0: not a phone
    "0770 090 012",                 # a mobile of 10 digits
    "dated 2025-03-01 at 1830",
    "card ending 4929 1234 5678 9012",
    "+1 212 555 0100 is an American number",
])
def test_phones_not_found(text):
    assert values(find_phones(text)) == []


@pytest.mark.parametrize("text,expected", [
    ("outside SW1A 1AA by the gate", ["SW1A 1AA"]),
    ("E1 6AN and M1 1AE", ["E1 6AN", "M1 1AE"]),
    ("address CR01XX in Croydon", ["CR0 1XX"]),
])
def test_postcodes_found(text, expected):
    assert values(find_postcodes(text)) == expected


@pytest.mark.parametrize("text", [
    "a lower-case sw1a 1aa is not taken",
    "the A406 North Circular",
    "Q1 1AA starts with Q",
    "team B12 meeting",
])
def test_postcodes_not_found(text):
    assert values(find_postcodes(text)) == []


def test_known_people_are_whole_token_case_insensitive_matches():
    found = find_entities("o17 met O170 and X/44 near SO17 1BJ", ["O17", "X/44"])
    assert values(found, "person") == ["O17", "X/44"]
    assert values(found, "postcode") == ["SO17 1BJ"]       # O17 inside the postcode is not a person


def test_unknown_identifiers_are_not_people():
    assert values(find_entities("O18 was there", ["O17"]), "person") == []


def test_overlaps_keep_the_longer_match_and_spans_point_at_the_text():
    text = "Call 07700 900123 re AB12 CDE at E1 6AN"
    found = find_entities(text)
    assert [(m.kind, text[m.start:m.end]) for m in found] == [
        ("phone", "07700 900123"), ("vehicle", "AB12 CDE"), ("postcode", "E1 6AN")]


def test_normalisers_make_column_and_text_values_equal():
    assert normalise_vrm(" ab12 cde ") == "AB12CDE"
    assert normalise_phone("+44 (0)20 7946 0018") == normalise_phone("020-7946-0018") == "02079460018"
