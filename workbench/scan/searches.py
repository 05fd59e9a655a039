"""Running saved searches and finding what is new in them.

An *offences* search's filter holds the fields of
:class:`workbench.store.offences.OffenceFilter` (``categories``, ``date_from``,
``date_to``, ``boroughs``, ``wards``, ``bbox``, ``text``). An *intel* search's filter is
passed to ``workbench.intel.search.search_reports(store, text=..., **filters)``; when
the intelligence package is not installed such a search reports that instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from workbench.domain.grid import check_bbox
from workbench.errors import BadInput
from workbench.store.db import Store
from workbench.store.offences import OffenceFilter, query_ids
from workbench.store.scan import SavedSearch, last_hits, record_hits

OFFENCE_FILTER_KEYS = tuple(f.name for f in fields(OffenceFilter) if f.name != "ids")


@dataclass
class SearchUpdate:
    """A saved search's current matches and which of them it did not return last time."""

    search: SavedSearch
    matches: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"search": self.search.name, "kind": self.search.kind, "matches": len(self.matches),
                "new": len(self.new), "new_ids": self.new}


def offence_filter(spec: dict) -> OffenceFilter:
    """The :class:`OffenceFilter` a saved offences search describes (ValueError on unknown keys)."""
    unknown = sorted(set(spec) - set(OFFENCE_FILTER_KEYS))
    if unknown:
        raise BadInput(f"unknown offence filter field(s) {', '.join(unknown)}; "
                         f"expected: {', '.join(OFFENCE_FILTER_KEYS)}")
    values = dict(spec)
    if values.get("bbox") is not None:
        values["bbox"] = check_bbox(values["bbox"], "the search's bbox")
    flt = OffenceFilter(**values)
    flt.where()  # validates categories now, not at the next scan
    return flt


def run_search(store: Store, search: SavedSearch) -> SearchUpdate:
    """The search's current matches (ids as text) and the ones it had not returned before."""
    if search.kind == "offences":
        matches = [str(i) for i in query_ids(store, offence_filter(search.filter), order_by="id").tolist()]
    else:
        from workbench.intel.search import search_reports

        spec = dict(search.filter)
        matches = [str(i) for i in _report_ids(search_reports(store, spec.pop("text", None), **spec))]
    seen = last_hits(store, search.id)
    return SearchUpdate(search, matches, [m for m in matches if m not in seen])


def commit_update(store: Store, update: SearchUpdate) -> None:
    """Remember the search's current matches so the next scan reports only newer ones."""
    record_hits(store, update.search.id, update.matches)


def _report_ids(found) -> list:
    """Ids of what ``search_reports`` returned: a DataFrame with ``id``, or items with ``id``."""
    if hasattr(found, "columns"):
        return found["id"].tolist() if "id" in found.columns else list(found.index)
    return [item["id"] if isinstance(item, dict) else getattr(item, "id", item) for item in found]
