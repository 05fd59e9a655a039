"""What is new since the analyst's last scan, by category and area.

"New" has one of three meanings, chosen in this order:

1. ``since`` given (``workbench scan --since D``): offences committed on or after ``D``;
2. the user has scanned this store before: offences that entered the store after that
   scan (their id is above the highest id the last scan saw), whatever their dates, so a
   late-recorded offence is not missed;
3. first scan: offences committed in the latest week (or month, for month-precision
   data such as police.uk) of the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.store.db import Store
from workbench.store.offences import OffenceFilter, load_after_id, load_frame
from workbench.store.scan import ScanState

COLUMNS = ("committed_from", "committed_to", "category", "easting", "northing", "borough", "ward", "offence_ref",
           "location_desc")


@dataclass
class NewOffences:
    """The new offences and how they were chosen.

    Attributes
    ----------
    basis : str
        ``"since"``, ``"last_scan"`` or ``"first_scan"``.
    since : str
        The date (``since``/``first_scan``) or time of the last scan (``last_scan``).
    frame : DataFrame
        The new offences (id and :data:`COLUMNS`), oldest first.
    """

    basis: str
    since: str
    frame: pd.DataFrame

    @property
    def ids(self) -> list[int]:
        return self.frame["id"].astype(int).tolist()

    def by_category(self) -> dict[str, int]:
        """New offences per category, most first."""
        return {str(k): int(v) for k, v in self.frame["category"].value_counts().items()}

    def by_area(self, level: str = "borough") -> dict[str, int]:
        """New offences per borough or ward (``"(none)"`` outside the loaded boundaries)."""
        return {str(k): int(v) for k, v in
                self.frame[level].fillna("(none)").value_counts().items()}

    def describe(self) -> str:
        """One line for the analyst: how many, since when."""
        n = len(self.frame)
        what = {"since": f"committed since {self.since[:10]}",
                "last_scan": f"added since your last scan ({self.since[:16].replace('T', ' ')} UTC)",
                "first_scan": f"committed since {self.since[:10]} (first scan: the latest period)"}[self.basis]
        return f"{n:,} new offence{'s' if n != 1 else ''} {what}"


def new_offences(store: Store, state: ScanState | None, since: str | None, *,
                 first_scan_start: pd.Timestamp | None = None) -> NewOffences:
    """The offences new to this scan (see the module docstring for the rules).

    ``since`` is a filter bound as :func:`workbench.cli.common.period` returns;
    ``first_scan_start`` is where a first scan starts (the scanner passes the start of
    the latest trend period).
    """
    if since:
        frame = load_frame(store, OffenceFilter(date_from=since), COLUMNS)
        return NewOffences("since", since, _oldest_first(frame))
    if state is not None:
        frame = load_after_id(store, state.last_offence_id, COLUMNS)
        return NewOffences("last_scan", state.last_scan_at, _oldest_first(frame))
    start = pd.Timestamp(first_scan_start) if first_scan_start is not None else None
    bound = start.isoformat() if start is not None else None
    frame = load_frame(store, OffenceFilter(date_from=bound), COLUMNS)
    return NewOffences("first_scan", bound or "", _oldest_first(frame))


def _oldest_first(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["committed_from", "id"], kind="stable").reset_index(drop=True)
