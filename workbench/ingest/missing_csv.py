"""``workbench import missing``: missing-person episodes (format in the guide,
``resources/help/people.md``).

The same import loop and rules as the offence CSV
(:func:`workbench.ingest.offence_import.run_import`): one transaction, every bad row
rejected with line, column and reason and kept, re-imports add nothing (the
``episode_ref`` is unique in the store). ``person_ref`` may be a nominal's reference,
so a nominal's page lists their episodes. Decisions an analyst should know:

- ``reported_at`` is required; ``found_at`` (empty while the person is still missing)
  must not be before it;
- ``risk`` is required: ``high``, ``medium``, ``low`` or ``no-apparent-risk``;
- ``flags`` (e.g. ``cse-concern``) are free words, stored lower-case;
- each location (last seen, found) is optional but must be complete when given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.domain.people import RISKS
from workbench.domain.refs import normalise_ref
from workbench.ingest.nominals_csv import locate_homes
from workbench.ingest.offence_import import ImportResult, run_import
from workbench.ingest.rowparser import (
    BadField,
    Getter,
    KeyedRowParser,
    choice,
    point,
    required,
    split,
    when,
)
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.boundaries import AreaLocator
from workbench.store.people import EpisodeWriter

COLUMNS = ("episode_ref", "person_ref", "reported_at", "found_at", "last_seen_easting", "last_seen_northing",
           "found_easting", "found_northing", "risk", "home_type", "flags")


class EpisodeParser(KeyedRowParser):
    """Row parser for the missing-person episodes CSV."""

    kind = "missing"
    what = "a missing-person episodes CSV"
    key = "episode_ref"
    REQUIRED = ("episode_ref", "person_ref", "reported_at", "risk")
    KNOWN = frozenset(COLUMNS)

    def record(self, get: Getter) -> dict:
        person = normalise_ref(required(get, "person_ref"))
        reported = when(get, "reported_at", need=True)
        found = when(get, "found_at")
        if found and found < reported:
            raise BadField("found_at", f"found_at {get('found_at')} is before reported_at {get('reported_at')}")
        risk = choice(get, "risk", RISKS, lambda s: "-".join(s.lower().split()))
        if risk is None:
            raise BadField("risk", "risk is empty")
        seen_x, seen_y = point(get, "last_seen_easting", "last_seen_northing")
        found_x, found_y = point(get, "found_easting", "found_northing")
        return {
            "episode_ref": get("episode_ref"), "person_ref": person, "reported_at": reported, "found_at": found,
            "last_seen_easting": seen_x, "last_seen_northing": seen_y,
            "found_easting": found_x, "found_northing": found_y, "risk": risk,
            "home_type": get("home_type") or None,
            "flags": ";".join(dict.fromkeys(f.lower() for f in split(get("flags")))) or None,
            "borough": None,
        }


def _locate(records: list[dict], locator: AreaLocator) -> None:
    locate_homes(records, locator, "last_seen_easting", "last_seen_northing", "borough", None)


def import_missing(store: Store, paths: str | Path | Sequence[str | Path], *,
                   progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import missing-person episode CSV file(s) as one batch in one transaction."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run_import(store, paths, EpisodeParser(), "force", progress=progress, cancelled=cancelled,
                      writer=EpisodeWriter, complete=_locate, bulk_offences=False)
