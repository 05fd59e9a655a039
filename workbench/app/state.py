"""View state: the parameters of each view (an analysis, a search or a filter), without Qt.

A state is a dataclass whose field defaults come from the analysis module (one source of
defaults for the analysis function, the command line and the window). A view binds its
form to a state by widget object names (:func:`workbench.ui.binding.bind`), so the
widgets and the state always agree; the view runs the analysis from the state, and tests
can set a state and check what runs without touching a widget. The developers' chapter of
the guide (``resources/help/developing.md``, "View state") lists the states and the rules.

>>> state = NearRepeatState(category="robbery", date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
>>> state.offence_filter().date_to            # the whole last day is included
'2025-04-01'
>>> state.knox_arguments()["time_bands"] == TIME_BANDS
True
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from workbench.domain.audit import AuditAction
from workbench.geo.defaults import (
    COVERAGE,
    DISTANCE_BAND,
    DISTANCE_BANDS,
    HOTSPOT_METHOD,
    METRIC,
    PERMUTATIONS,
    TIME_BAND,
    TIME_BANDS,
)
from workbench.linkage.series import MAX_SERIES_SIZE, MIN_SCORE, MIN_SERIES_SIZE
from workbench.network.graph import STEPS
from workbench.network.layout import LAYOUT
from workbench.people import defaults as people
from workbench.scan import defaults as scan
from workbench.scan.searches import offence_filter
from workbench.store.offences import OffenceFilter
from workbench.store.scan import SEARCH_KINDS


def _filter(category: str | None, date_from: date | None, date_to: date | None,
            borough: str | None = None) -> OffenceFilter:
    """Offences of ``category`` (a category or crime group; None: all) in ``borough`` (None:
    anywhere) committed from ``date_from`` to ``date_to`` inclusive."""
    return OffenceFilter(categories=[category] if category else None, boroughs=[borough] if borough else None,
                         date_from=date_from.isoformat() if date_from else None,
                         date_to=(date_to + timedelta(days=1)).isoformat() if date_to else None)


@dataclass
class NearRepeatState:
    """The Knox near-repeat test: which offences, and the table's bands."""

    category: str = "burglary"
    date_from: date | None = None
    date_to: date | None = None
    distance_band: float = DISTANCE_BAND
    distance_bands: int = DISTANCE_BANDS
    time_band: float = TIME_BAND
    time_bands: int = TIME_BANDS
    permutations: int = PERMUTATIONS
    seed: int = 1
    metric: str = METRIC

    def offence_filter(self) -> OffenceFilter:
        return _filter(self.category, self.date_from, self.date_to)

    def knox_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`workbench.geo.nearrepeat.knox`."""
        return {"distance_band": float(self.distance_band), "distance_bands": int(self.distance_bands),
                "time_band": float(self.time_band), "time_bands": int(self.time_bands),
                "permutations": int(self.permutations), "seed": int(self.seed), "metric": self.metric}


@dataclass
class SeriesState:
    """Finding series (``workbench link series``): which offences, and how strongly linked
    and how large a series must be. The window opens on burglary (the command line's
    default, every crime group, takes longest on a whole force's data)."""

    category: str | None = "burglary"
    min_score: float = MIN_SCORE
    min_size: int = MIN_SERIES_SIZE
    max_size: int = MAX_SERIES_SIZE
    include_coarse: bool = False

    def series_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`workbench.linkage.service.series`."""
        return {"categories": [self.category] if self.category else None, "min_score": float(self.min_score),
                "min_size": int(self.min_size), "max_size": int(self.max_size),
                "include_coarse": bool(self.include_coarse)}


@dataclass
class OffencesState:
    """A filter bar of offences (the Offences table; ``search save --kind offences``): one
    category or crime group, one borough, a period (None: open-ended) and text in the
    reference or location; everything by default."""

    category: str | None = None
    borough: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""

    def offence_filter(self) -> OffenceFilter:
        return replace(_filter(self.category, self.date_from, self.date_to, self.borough),
                       text=self.text.strip() or None)


@dataclass
class MapState(OffencesState):
    """The Map's filter bar and hotspot settings (``workbench hotspots``): which offences
    (the view opens on the store's whole period), and how hotspots are found in them.
    The borough is also the hotspots' study area (None: the boroughs holding the offences)."""

    method: str = HOTSPOT_METHOD
    coverage: float = COVERAGE

    def boroughs(self) -> list[str] | None:
        """The study area's boroughs as :func:`workbench.store.boundaries.study_area_for` takes them."""
        return [self.borough] if self.borough else None

    def hotspot_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`workbench.geo.hotspots.hotspot_cells`."""
        return {"method": self.method, "coverage": float(self.coverage)}


def _week_ago() -> date:
    return date.today() - timedelta(days=7)


@dataclass
class ScanState:
    """A scan (``workbench scan``): what is new since the analyst's last scan, or (with
    ``use_since``) the offences committed since ``since``; how trends, the near-repeat test
    and the hotspot comparison run, and whether coarse records count as repeats."""

    use_since: bool = False
    since: date = field(default_factory=_week_ago)
    alpha: float = scan.TREND_ALPHA
    min_count: int = scan.MIN_COUNT
    permutations: int = scan.PERMUTATIONS
    seed: int = scan.SEED
    hotspot_method: str = scan.HOTSPOT_METHOD
    include_coarse: bool = False

    def since_bound(self) -> str | None:
        """The ``since`` argument of :func:`workbench.scan.scanner.run_scan`."""
        return f"{self.since.isoformat()}T00:00:00" if self.use_since else None

    def scan_options(self) -> dict[str, Any]:
        """The keyword options of :func:`workbench.scan.scanner.run_scan`."""
        return {"alpha": float(self.alpha), "min_count": int(self.min_count), "permutations": int(self.permutations),
                "seed": int(self.seed), "hotspot_method": self.hotspot_method,
                "include_coarse": bool(self.include_coarse)}


@dataclass
class IntelState:
    """An intelligence search (``workbench intel search``): text, a grading system (None:
    any) and, when a person is chosen in another view, the reports mentioning them."""

    query: str = ""
    grading: str | None = None
    person: str | None = None

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`workbench.intel.search.search_reports`."""
        return {"text": self.query.strip() or None, "grading": self.grading,
                "entity": f"person:{self.person}" if self.person else None}


@dataclass
class NetworkState:
    """The link chart (``workbench network expand``): the entity typed, how many links to
    follow from it and how the chart is laid out."""

    entity: str = ""
    steps: int = STEPS
    layout: str = LAYOUT


@dataclass
class PeopleState:
    """The people picture (``workbench people nominals|victims|missing``): nominals with a
    flag (None: all), and what makes a repeat victim and a repeat missing person."""

    flag: str | None = None
    victim_offences: int = people.REPEAT_VICTIM_OFFENCES
    victim_days: int = people.REPEAT_VICTIM_DAYS
    missing_episodes: int = people.REPEAT_MISSING_EPISODES
    missing_days: int = people.REPEAT_MISSING_DAYS

    def flags(self) -> list[str] | None:
        """The ``flags`` of :func:`workbench.people.overview.nominals_by_flag`."""
        return [self.flag] if self.flag else None


@dataclass
class SavedSearchState:
    """A new saved search (``workbench search save``): its name, what it searches
    (offences by default), one category (offences only), a borough and text; subscribed
    by default, so every scan reports its new matches."""

    name: str = ""
    kind: str = SEARCH_KINDS[0]
    category: str | None = None
    borough: str = ""
    text: str = ""
    subscribed: bool = True

    def spec(self) -> dict[str, Any]:
        """The filter to store: only what was filled in (an offences filter is checked,
        so a bad category is refused before anything is saved)."""
        borough, text = self.borough.strip(), self.text.strip()
        if self.kind == "offences":
            spec = {"categories": [self.category] if self.category else None,
                    "boroughs": [borough] if borough else None, "text": text or None}
            spec = {k: v for k, v in spec.items() if v}
            offence_filter(spec)
            return spec
        return {k: v for k, v in {"text": text, "borough": borough}.items() if v}


@dataclass
class ImportState:
    """An import (``workbench import offences|police-uk|intel|nominals|missing|boundaries``):
    what kind of file, the files (separated by ``;``), the source system (offences and
    intelligence; empty: ``force``), and for boundaries the layer and level (None: detected)."""

    kind: str = "offences"
    files: str = ""
    source: str = ""
    layer: str = ""
    level: str | None = None

    def paths(self) -> list[str]:
        """The files chosen, in order."""
        return [p.strip() for p in self.files.split(";") if p.strip()]

    def options(self) -> dict[str, Any]:
        """The keyword options of the importer of :attr:`kind` (as the command's options)."""
        if self.kind in ("offences", "intel"):
            return {"source": self.source.strip() or None}
        if self.kind == "boundaries":
            return {"layer": self.layer.strip() or None, "level": self.level}
        return {}


#: The Tasking view's PATP queues: the statuses each lists (as ``workbench patp list --status``).
PATP_QUEUES = {"qa": ("submitted",), "awaiting-ttcg": ("approved", "scheduled"), "drafts": ("draft", "returned"),
               "decided": ("accepted", "rejected", "deferred")}


@dataclass
class PatpListState:
    """The PATPs listed (``workbench patp list --status``): one queue of :data:`PATP_QUEUES`
    (None: every PATP)."""

    queue: str | None = None

    def statuses(self) -> list[str] | None:
        """The ``statuses`` of :func:`workbench.store.tasking.list_patps`."""
        return list(PATP_QUEUES[self.queue]) if self.queue else None


def _year_ago() -> str:
    return (date.today() - timedelta(days=365)).isoformat()


def _today() -> str:
    return date.today().isoformat()


@dataclass
class ProductsState:
    """The products register's search (``workbench products search``: words, author part
    and status, everything by default) and the period of the performance and insight
    measure (``workbench insight taskings --from --to``; the last year in the window)."""

    text: str = ""
    author: str = ""
    status: str | None = None
    insight_from: str = field(default_factory=_year_ago)
    insight_to: str = field(default_factory=_today)

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`workbench.tasking.products.search_products`."""
        return {"text": self.text, "author": self.author.strip() or None, "status": self.status}


@dataclass
class AuditState:
    """The audit log shown (``workbench audit show --action``): one action (None: all)."""

    action: str | None = None

    def audit_action(self) -> AuditAction | None:
        """The ``action`` of :func:`workbench.store.audit.entries`."""
        return AuditAction(self.action) if self.action else None
