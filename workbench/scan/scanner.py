"""The weekly scan: everything an analyst should look at since they last looked.

:func:`run_scan` gathers, for one analyst:

* the offences new since their last scan (or since ``--since``), by category and area;
* emerging trends (:mod:`workbench.scan.trends`);
* new sexual offences with their best link candidates and series (when the linkage
  engine is installed);
* repeat locations and near-repeat risk zones after new burglaries (:mod:`workbench.geo`);
* people: repeat victims, repeat missing people and places missing episodes cluster,
  flagged nominals living near new sexual offences they match, breaches of nominals'
  conditions (:mod:`workbench.people.alerts`);
* new hotspots (:mod:`workbench.scan.newhotspots`);
* what is new in the analyst's subscribed saved searches (:mod:`workbench.scan.searches`);

and then records the scan (time, how far into the offences it saw, the report itself,
and each saved search's matches) so the next scan starts from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from workbench.domain import categories as cats
from workbench.domain.alerts import Alert, ordered
from workbench.geo.defaults import COVERAGE
from workbench.identity import current_user
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.people.alerts import scan_people
from workbench.scan import alerts as make
from workbench.scan.defaults import HOTSPOT_METHOD, MIN_COUNT, TREND_ALPHA
from workbench.scan.newhotspots import new_hotspots
from workbench.scan.newsince import NewOffences, new_offences
from workbench.scan.reviews import review_alert, reviews_due
from workbench.scan.searches import commit_update, run_search
from workbench.scan.trends import TrendReport, detect_unit, emerging_trends, period_end_after
from workbench.store.boundaries import study_area_for
from workbench.store.db import Store
from workbench.store.offences import OffenceFilter, date_range, load_frame, query_ids
from workbench.store.scan import list_searches, load_scan_state, max_offence_id, record_scan

HISTORY_YEARS = 3
MAX_PERIODS = {"week": 13, "month": 6}
#: What the baseline and hotspot comparison need of every offence (descriptions are
#: fetched only for the few offences an alert names).
HISTORY_COLUMNS = ("committed_from", "committed_to", "category", "easting", "northing", "borough", "ward")


@dataclass
class ScanReport:
    """What a scan found.

    Attributes
    ----------
    user : str
    new : NewOffences
        The new offences and how "new" was decided.
    trends : TrendReport
        Every category/area tested (``trends.emerging`` are the alerts).
    alerts : list[Alert]
        Everything to look at, most important kinds first.
    notes : list[str]
        What the scan could not do and why (e.g. no linkage engine installed).
    """

    user: str
    new: NewOffences
    trends: TrendReport | None
    alerts: list[Alert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The ``workbench scan --json`` object (keys as in ``specs/cli.md``, plus more)."""
        period = {}
        if self.trends is not None:
            period = {"unit": self.trends.unit, "periods": self.trends.periods,
                      "from": self.trends.period_start.date().isoformat(),
                      "to": (self.trends.period_end - pd.Timedelta(days=1)).date().isoformat()}
        return {
            "new_offences": len(self.new.frame),
            "alerts": [a.as_json() for a in self.alerts],
            "user": self.user,
            "basis": self.new.basis,
            "since": self.new.since,
            "summary": self.new.describe(),
            "by_category": self.new.by_category(),
            "by_area": self.new.by_area("borough"),
            "trend_period": period,
            "notes": self.notes,
        }


def run_scan(store: Store, user: str | None = None, since: str | None = None, *,
             progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
             record: bool = True, **options) -> ScanReport:
    """Scan the store for ``user`` (default: the current user) and record the scan.

    ``since`` is a filter bound (``workbench.cli.common.period``); without it the scan
    starts from the user's last scan. ``record=False`` leaves the scan state and saved
    searches untouched (a preview). ``options`` tune the parts: ``alpha``,
    ``min_count`` (trends), ``coverage`` and ``hotspot_method`` (``"kde"`` or ``"gi"``,
    hotspots), ``permutations`` and ``seed`` (near repeat), ``today`` (the day tasking reviews
    are due against; default the real date).
    """
    control = JobControl(progress, cancelled)
    user = user or current_user()
    high_water = max_offence_id(store)
    state = load_scan_state(store, user)
    report_notes: list[str] = []

    control.report(0.02, "loading offences")
    history, unit, end = _history(store)
    window_start = _recent_start(since, state, history, unit, end)
    new = new_offences(store, state, since, first_scan_start=_period_start(end, unit, 1))
    alerts: list[Alert] = []

    control.report(0.15, "testing for emerging trends")
    trends = None
    if len(history):
        trends = period_trends(history, unit, window_start, end, alpha=options.get("alpha", TREND_ALPHA),
                               min_count=options.get("min_count", MIN_COUNT))
        alerts += [make.trend_alert(r, trends) for r in trends.emerging]

    control.report(0.3, "looking for new sexual offences")
    sexual = new.frame[new.frame["category"].map(cats.is_sexual)]
    sexual_alerts, notes = make.sexual_offence_alerts(store, sexual)
    alerts += sexual_alerts
    report_notes += notes

    control.report(0.45, "looking for repeat and near-repeat locations")
    exact_history, exact_new, left_out = _linkable_only(store, history, new.frame, options.get("include_coarse", False))
    if left_out:
        report_notes.append(f"{left_out:,} police.uk or month-only records left out of repeat-location and "
                            "near-repeat alerts (their time or place is too coarse; scan --include-coarse "
                            "to include them)")
    alerts += make.repeat_location_alerts(store, exact_history, exact_new)
    near, notes = make.near_repeat_alerts(exact_history, exact_new, control.sub(0.5, 0.7), unit=unit,
                                          **_pick(options, "permutations", "seed"))
    alerts += near
    report_notes += notes

    control.report(0.68, "looking at victims, missing people and nominals")
    people, notes = scan_people(store, new.frame, window_start,
                                None if since or state is None else state.last_scan_at)
    alerts += people
    report_notes += notes

    control.report(0.7, "comparing hotspots with the previous period")
    if trends is not None:
        clip = study_area_for(store, history["borough"]).geometry
        hotspots = new_hotspots(history, trends.period_start, trends.period_end, clip=clip,
                                coverage=options.get("coverage", COVERAGE),
                                method=options.get("hotspot_method", HOTSPOT_METHOD))
        alerts += [make.hotspot_alert(h, trends) for h in hotspots]

    control.report(0.85, "running saved searches")
    updates = [run_search(store, s) for s in list_searches(store, owner=user, subscribed_only=True)]
    alerts += [make.search_alert(u) for u in updates if u.new]

    today = options.get("today") or date.today()
    alerts += [review_alert(r, today) for r in reviews_due(store, today, _cycle_days(store))]

    control.check()
    report = ScanReport(user, new, trends, ordered(alerts), report_notes)
    if record:
        with store.atomic():
            for update in updates:
                commit_update(store, update)
            record_scan(store, user, high_water, report.as_json())
    control.report(1.0, f"scan finished: {len(report.alerts)} alerts")
    return report


def _linkable_only(store: Store, history: pd.DataFrame, new: pd.DataFrame,
                   include_coarse: bool) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """History and new offences without the records too coarse to call repeats (police.uk
    snap points, month-only times), and how many such records were left out."""
    if include_coarse or history.empty:
        return history, new, 0
    start = history["committed_from"].min().isoformat()
    coarse = query_ids(store, OffenceFilter(date_from=start, linkable=False), order_by="id")
    if not len(coarse):
        return history, new, 0
    left_out = int(pd.concat([history["id"], new["id"]]).drop_duplicates().isin(coarse).sum())
    return history[~history["id"].isin(coarse)], new[~new["id"].isin(coarse)], left_out


def _pick(options: dict, *names: str) -> dict:
    return {k: options[k] for k in names if k in options}


def _history(store: Store, until: pd.Timestamp | None = None) -> tuple[pd.DataFrame, str, pd.Timestamp]:
    """The offences the trend baseline and hotspot comparison need, the time unit of the
    data and the end of the recent period (after the latest offence, or after ``until``
    when the period ends earlier)."""
    latest = date_range(store)[1]
    if latest is None:
        empty = load_frame(store, OffenceFilter(ids=[]), HISTORY_COLUMNS)
        return empty, "week", pd.Timestamp.now().normalize()
    latest = pd.Timestamp(latest)
    if until is not None:
        latest = pd.Timestamp(until)
    start = latest - pd.DateOffset(years=HISTORY_YEARS, months=3)
    frame = load_frame(store, OffenceFilter(date_from=start.isoformat(),
                                            date_to=(latest.normalize() + pd.Timedelta(days=1)).isoformat()),
                       HISTORY_COLUMNS)
    unit = detect_unit(frame["committed_from"], frame["committed_to"])
    return frame, unit, period_end_after(latest, unit)


def period_trends(history: pd.DataFrame, unit: str, start: pd.Timestamp, end: pd.Timestamp, *,
                  alpha: float = TREND_ALPHA, min_count: int = MIN_COUNT) -> TrendReport:
    """The scan's emerging-trend test for the recent period ``start`` to ``end`` (exclusive),
    in whole weeks or months of the data's unit. The scan and the tactical assessment both
    call this, so the same period gives the same trends."""
    return emerging_trends(history, end=end, unit=unit, periods=_periods_between(start, end, unit),
                           alpha=alpha, min_count=min_count)


def trends_for_period(store: Store, date_from: str, date_to: str, *, alpha: float = 0.05,
                      min_count: int = 5) -> TrendReport | None:
    """The scan's trend test for the period ``date_from`` to ``date_to`` (ISO dates,
    inclusive); None for an empty store. ``workbench scan --since date_from`` on a store
    whose latest offence falls on ``date_to`` gives the same trends."""
    history, unit, end = _history(store, until=pd.Timestamp(date_to))
    if not len(history):
        return None
    return period_trends(history, unit, pd.Timestamp(date_from), end, alpha=alpha, min_count=min_count)


def _period_start(end: pd.Timestamp, unit: str, periods: int) -> pd.Timestamp:
    return end - (pd.DateOffset(months=periods) if unit == "month" else pd.Timedelta(weeks=periods))


def _recent_start(since: str | None, state, history: pd.DataFrame, unit: str, end: pd.Timestamp) -> pd.Timestamp:
    """Where the recent period of the trend test starts: ``since``, or the oldest
    offence added since the last scan, or (first scan) the latest period."""
    if since:
        return pd.Timestamp(since)
    if state is not None:
        added = history.loc[history["id"] > state.last_offence_id, "committed_from"]
        if len(added):
            return added.min()
    return _period_start(end, unit, 1)


def _periods_between(start: pd.Timestamp, end: pd.Timestamp, unit: str) -> int:
    """Whole weeks/months from ``start`` to ``end`` (at least 1, at most :data:`MAX_PERIODS`)."""
    if unit == "month":
        n = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    else:
        n = -(-(end - start).days // 7)
    return int(min(max(n, 1), MAX_PERIODS[unit]))


def _cycle_days(store: Store) -> int:
    """The TTCG cycle (setting ``ttcg_cycle_days``): reviews within it either side are listed."""
    value = store.setting("ttcg_cycle_days", "14") or "14"
    return int(value) if value.isdigit() else 14
