"""The return file format (JSON, ``schema_version`` 1) and its validation.

A return is one JSON object::

    {"schema": "workbench-return", "schema_version": 1,
     "borough": "Camden", "period_from": "2025-01-01", "period_to": "2025-03-31",
     "generated_at": "2025-04-02T09:00:00", "generated_by": "a.analyst",
     "marking": "OFFICIAL-SENSITIVE", "crs": "EPSG:27700",
     "series":    [{"id", "title", "offences", "offence_refs", "categories", "first", "last",
                    "offenders", "easting", "northing", "area_wkt"}],
     "hotspots":  [{"id", "offences", "area_ha", "easting", "northing", "wkt", "detail"}],
     "offenders": [{"key", "offences", "categories", "first", "last", "series",
                    "easting", "northing"}],
     "notes": ["what could not be included and why"]}

Coordinates are British National Grid metres; dates ISO 8601; ``categories`` maps a
canonical category to its count. Victims' personal details are never included.
A reader accepts any version up to :data:`SCHEMA_VERSION` and ignores unknown keys, so
later versions may add keys; a change that removes or redefines a key raises the version.

Every field is checked against :data:`RETURN_SCHEMA` (JSON Schema, checked with the
``jsonschema`` library: types, ISO dates, National Grid numbers, WKT, lists) before
anything is stored, so a malformed return is refused whole with the path of the first
bad field, and what is stored can always be listed and merged.
"""

from __future__ import annotations

from datetime import date

import shapely
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from workbench.domain.grid import GB_EXTENT
from workbench.errors import BadFile

SCHEMA_NAME = "workbench-return"
SCHEMA_VERSION = 1
KINDS = {"series": "id", "hotspots": "id", "offenders": "key"}
#: section name -> item kind stored in ``return_items``
ITEM_KIND = {"series": "series", "hotspots": "hotspot", "offenders": "offender"}


_FORMATS = FormatChecker()


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@_FORMATS.checks("wkt", raises=Exception)
def _is_wkt(value: object) -> bool:
    return not isinstance(value, str) or not shapely.from_wkt(value).is_empty


_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_DATE = {"type": "string", "format": "date"}
_COUNT = {"type": "integer", "minimum": 0, "maximum": 10_000_000}
_EASTING = {"type": "number", "minimum": GB_EXTENT[0], "maximum": GB_EXTENT[2]}
_NORTHING = {"type": "number", "minimum": GB_EXTENT[1], "maximum": GB_EXTENT[3]}
_WKT = {"type": "string", "format": "wkt", "maxLength": 1_000_000}
_CATEGORIES = {"type": "object", "additionalProperties": _COUNT, "maxProperties": 100}
_TEXTS = {"type": "array", "items": _TEXT, "maxItems": 100_000}

#: The JSON Schema of a return (version 1); unknown keys are allowed (later versions).
RETURN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema", "schema_version", "borough", "period_from", "period_to"],
    "properties": {
        "schema": {"const": SCHEMA_NAME},
        "schema_version": {"type": "integer", "minimum": 1},
        "borough": _TEXT,
        "period_from": _DATE,
        "period_to": _DATE,
        "generated_at": {"type": "string", "maxLength": 40},
        "generated_by": {"type": "string", "maxLength": 200},
        "marking": {"type": "string", "maxLength": 100},
        "crs": {"const": "EPSG:27700"},
        "series": {"type": "array", "maxItems": 100_000, "items": {
            "type": "object", "required": ["id"],
            "properties": {"id": _TEXT, "title": {"type": "string", "maxLength": 2000}, "offences": _COUNT,
                           "offence_refs": _TEXTS, "categories": _CATEGORIES, "first": _DATE, "last": _DATE,
                           "offenders": _TEXTS, "easting": _EASTING, "northing": _NORTHING, "area_wkt": _WKT}}},
        "hotspots": {"type": "array", "maxItems": 100_000, "items": {
            "type": "object", "required": ["id"],
            "properties": {"id": {"type": ["string", "integer"]}, "offences": _COUNT,
                           "area_ha": {"type": "number", "minimum": 0, "maximum": 1e7},
                           "easting": _EASTING, "northing": _NORTHING, "wkt": _WKT}}},
        "offenders": {"type": "array", "maxItems": 1_000_000, "items": {
            "type": "object", "required": ["key"],
            "properties": {"key": _TEXT, "offences": _COUNT, "categories": _CATEGORIES, "first": _DATE,
                           "last": _DATE, "series": _TEXTS, "easting": _EASTING, "northing": _NORTHING}}},
        "notes": {"type": "array", "items": {"type": "string", "maxLength": 5000}, "maxItems": 1000},
    },
}
_VALIDATOR = Draft202012Validator(RETURN_SCHEMA, format_checker=_FORMATS)


def validate(doc: object, name: str = "return") -> dict:
    """``doc`` if it is a return this version can read, else :class:`BadFile` naming the
    first field that does not fit (as a JSON path, e.g. ``series[2].first``)."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_NAME:
        raise BadFile(f"{name} is not a Workbench return (no \"schema\": \"{SCHEMA_NAME}\")")
    version = doc.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise BadFile(f"{name} is schema version {version}; this Workbench reads up to {SCHEMA_VERSION}: "
                      "update Workbench to import it")
    error = best_match(_VALIDATOR.iter_errors(doc))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        raise BadFile(f"{name}: {where or 'the return'}: {_reason(error)}")
    return doc


def _reason(error) -> str:
    """A short reason for a schema error (the value shown is cut to 60 characters)."""
    value = repr(error.instance)
    value = value if len(value) <= 60 else value[:57] + "..."
    if error.validator == "format":
        return f"{value} is not " + ("an ISO date" if error.validator_value == "date" else "valid WKT")
    if error.validator == "required":
        return error.message
    return f"{value} does not fit: {error.message[-120:]}"
