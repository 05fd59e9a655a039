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
"""

from __future__ import annotations

from datetime import date

from workbench.errors import BadFile

SCHEMA_NAME = "workbench-return"
SCHEMA_VERSION = 1
KINDS = {"series": "id", "hotspots": "id", "offenders": "key"}
#: section name -> item kind stored in ``return_items``
ITEM_KIND = {"series": "series", "hotspots": "hotspot", "offenders": "offender"}


def validate(doc: object, name: str = "return") -> dict:
    """``doc`` if it is a return this version can read, else ValueError saying why."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_NAME:
        raise BadFile(f"{name} is not a Workbench return (no \"schema\": \"{SCHEMA_NAME}\")")
    version = doc.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise BadFile(f"{name} has no valid schema_version")
    if version > SCHEMA_VERSION:
        raise BadFile(f"{name} is schema version {version}; this Workbench reads up to {SCHEMA_VERSION}: "
                         "update Workbench to import it")
    if not str(doc.get("borough") or "").strip():
        raise BadFile(f"{name} names no borough")
    for key in ("period_from", "period_to"):
        try:
            date.fromisoformat(str(doc.get(key)))
        except ValueError:
            raise BadFile(f"{name}: {key} {doc.get(key)!r} is not an ISO date") from None
    for section, id_key in KINDS.items():
        items = doc.get(section, [])
        if not isinstance(items, list) or any(not isinstance(i, dict) or not i.get(id_key) for i in items):
            raise BadFile(f"{name}: {section} must be a list of objects, each with {id_key!r}")
    return doc
