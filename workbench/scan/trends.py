"""Emerging trends: is the count in the recent period higher than its seasonal norm?

For every category (store-wide and per borough) the recent period's count is compared
with a baseline of comparable earlier periods, in the manner of the Farrington outbreak
detection algorithm used in public-health surveillance:

* **Seasonal baseline** when the data reach back at least a year: the windows of the same
  length centred on the same time of year in each of up to ``years`` previous years, plus
  ``half_width`` windows either side (3 weeks or 1 month), so a normal summer rise is not
  an alert.
* **Recent baseline** otherwise (fewer than :data:`MIN_SEASONAL` same-season windows in
  the data): the ``recent_periods`` windows immediately before.

The test: with baseline counts ``y1..yn`` (mean ``mu``) the recent count ``x`` is compared
with a negative binomial of mean ``mu`` and variance ``phi * mu * (1 + 1/n)``, where
``phi >= 1`` is the quasi-Poisson over-dispersion of the baseline (Pearson chi-squared over
``n - 1``) and ``1/n`` carries the uncertainty of estimating ``mu`` from ``n`` periods.
The one-sided p-value is ``P(X >= x)``. With many categories and areas tested at once,
p-values are corrected with the Benjamini-Hochberg false-discovery rate; an emerging
trend needs ``q <= alpha``, at least ``min_count`` offences and ``x > mu``. Not a fixed
percentage: a rise from 2 to 4 is noise, from 200 to 260 is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from workbench.errors import BadInput
from workbench.scan.defaults import MIN_COUNT, TREND_ALPHA

UNITS_PER_YEAR = {"week": 52, "month": 12}
HALF_WIDTH = {"week": 3, "month": 1}
#: Fewest same-season windows for a seasonal baseline (else the recent one is used).
MIN_SEASONAL = 5
ALL_AREAS = "all areas"


@dataclass
class TrendResult:
    """One category in one area: recent count against its baseline.

    Attributes
    ----------
    category, area : str
        What was counted and where (``"all areas"`` for the whole store).
    observed : int
        Offences in the recent period.
    expected : float
        Mean count of the baseline periods.
    dispersion : float
        Over-dispersion ``phi`` of the baseline (1 = Poisson).
    p_value, q_value : float
        One-sided p-value and its Benjamini-Hochberg adjusted value.
    baseline : str
        ``"seasonal"`` or ``"recent"``; ``baseline_periods`` how many periods it has.
    emerging : bool
        Significant rise (``q <= alpha``, ``observed >= min_count``, above expected).
    offence_ids : list[int]
        The offences counted in the recent period.
    """

    category: str
    area: str
    observed: int
    expected: float
    dispersion: float
    p_value: float
    q_value: float
    baseline: str
    baseline_periods: int
    emerging: bool
    offence_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def ratio(self) -> float:
        """Observed over expected (inf when nothing was expected)."""
        return self.observed / self.expected if self.expected > 0 else float("inf")


@dataclass
class TrendReport:
    """All groups tested, with the period compared and the unit used."""

    unit: str
    periods: int
    period_start: pd.Timestamp
    period_end: pd.Timestamp        # exclusive
    results: list[TrendResult]

    @property
    def emerging(self) -> list[TrendResult]:
        """The significant rises, strongest first."""
        return sorted((r for r in self.results if r.emerging), key=lambda r: (r.p_value, -r.observed))

    def frame(self) -> pd.DataFrame:
        """Every tested group as a table (for the dashboard and CSV)."""
        return pd.DataFrame([{k: getattr(r, k) for k in (
            "category", "area", "observed", "expected", "dispersion", "p_value", "q_value",
            "baseline", "baseline_periods", "emerging")} | {"ratio": r.ratio} for r in self.results])


def exceedance_p(observed: np.ndarray, baseline: np.ndarray, valid: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided quasi-Poisson p-values of ``observed`` against rows of ``baseline``.

    Parameters
    ----------
    observed : (G,) counts in the recent period.
    baseline : (G, n) counts in the baseline periods.
    valid : (G, n) bool, which baseline periods exist (default all).

    Returns
    -------
    expected, dispersion, p_value : (G,) arrays (p = 1 where there is no baseline).

    >>> e, phi, p = exceedance_p(np.array([10, 30]), np.array([[10, 9, 11, 10], [10, 9, 11, 10]]))
    >>> bool(p[0] > 0.3), bool(p[1] < 1e-5)
    (True, True)
    """
    observed = np.asarray(observed, float)
    baseline = np.asarray(baseline, float)
    valid = np.ones(baseline.shape, bool) if valid is None else np.asarray(valid, bool)
    n = valid.sum(axis=1)
    has = n > 0
    safe_n = np.maximum(n, 1)
    mu = np.where(valid, baseline, 0).sum(axis=1) / safe_n
    # A baseline of zeros still allows a rise: use half an offence per baseline (Jeffreys).
    mu_fit = np.maximum(mu, 0.5 / safe_n)
    resid = np.where(valid, (baseline - mu_fit[:, None]) ** 2 / mu_fit[:, None], 0).sum(axis=1)
    phi = np.where(n > 1, np.maximum(1.0, resid / np.maximum(n - 1, 1)), 1.0)
    var = phi * mu_fit * (1.0 + 1.0 / safe_n)
    r = mu_fit ** 2 / (var - mu_fit)
    prob = mu_fit / var
    p = stats.nbinom.sf(observed - 1, r, prob)
    p = np.where(has, np.minimum(p, 1.0), 1.0)
    return mu, phi, p


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """False-discovery-rate adjusted p-values (q-values), same order as ``p``."""
    p = np.asarray(p, float)
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def detect_unit(committed_from: pd.Series, committed_to: pd.Series | None) -> str:
    """``"month"`` for month-precision data (police.uk: every window a whole month), else ``"week"``."""
    if committed_to is None or len(committed_from) == 0:
        return "week"
    span = (committed_to - committed_from).dt.days
    return "month" if float((span >= 27).mean()) >= 0.9 else "week"


def period_end_after(latest: pd.Timestamp, unit: str) -> pd.Timestamp:
    """The exclusive end of the period holding ``latest`` (next midnight or next month)."""
    day = pd.Timestamp(latest).normalize()
    if unit == "month":
        return (day.replace(day=1) + pd.DateOffset(months=1)).normalize()
    return day + pd.Timedelta(days=1)


def _units_back(dates: pd.Series, end: pd.Timestamp, unit: str) -> np.ndarray:
    """How many whole units before ``end`` each date is (0 = the unit just before ``end``)."""
    if unit == "month":
        months = dates.dt.year.to_numpy() * 12 + dates.dt.month.to_numpy() - 1
        return (end.year * 12 + end.month - 1) - months - 1
    days = (end - dates).dt.total_seconds().to_numpy() / 86400.0
    return np.floor((days - 1e-9) / 7).astype(np.int64)


def _unit_start(when: pd.Timestamp, end: pd.Timestamp, unit: str) -> pd.Timestamp:
    """The start of the unit (week ending on ``end``'s weekday, or month) holding ``when``."""
    if unit == "month":
        return pd.Timestamp(when).normalize().replace(day=1)
    back = int(_units_back(pd.Series([when]), end, unit)[0])
    return end - pd.Timedelta(weeks=back + 1)


def _windows(unit: str, periods: int, years: int, recent_periods: int, coverage: int) -> tuple[str, list[int]]:
    """Start offsets (in units back) of the baseline windows and which baseline they form."""
    per_year, half = UNITS_PER_YEAR[unit], HALF_WIDTH[unit]
    seasonal = [y * per_year + j * periods for y in range(1, years + 1) for j in range(-half, half + 1)]
    seasonal = [s for s in seasonal if s >= periods and s + periods - 1 <= coverage]
    if len(seasonal) >= MIN_SEASONAL:
        return "seasonal", seasonal
    recent = [i * periods for i in range(1, recent_periods + 1) if (i + 1) * periods - 1 <= coverage]
    return "recent", recent


def emerging_trends(frame: pd.DataFrame, *, end: pd.Timestamp | None = None, unit: str = "week",
                    periods: int = 1, years: int = 3, recent_periods: int = 8, alpha: float = TREND_ALPHA,
                    min_count: int = MIN_COUNT, by_area: str | None = "borough",
                    history_start: pd.Timestamp | None = None) -> TrendReport:
    """Test every category (store-wide and per area) for a rise in the recent period.

    Parameters
    ----------
    frame : DataFrame with ``committed_from`` (datetime64), ``category``, optionally
        ``id`` and the ``by_area`` column (areas with no name are counted store-wide only).
    end : exclusive end of the recent period (default: after the latest offence).
    unit, periods : the recent period is ``periods`` weeks or months before ``end``.
    years : how many previous years a seasonal baseline uses.
    recent_periods : how many preceding periods a recent baseline uses.
    history_start : when the data begin (default: the earliest offence in ``frame``);
        windows reaching before it are not used.
    """
    if unit not in UNITS_PER_YEAR:
        raise BadInput(f"unknown trend unit {unit!r}; expected week or month")
    if periods < 1:
        raise BadInput("the recent period must be at least one week or month")
    dates = frame["committed_from"]
    if end is None:
        end = period_end_after(dates.max(), unit) if len(frame) else pd.Timestamp.now().normalize()
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=periods) if unit == "month" else end - pd.Timedelta(weeks=periods)
    if len(frame) == 0:
        return TrendReport(unit, periods, start, end, [])
    back = _units_back(dates, end, unit)
    first = pd.Timestamp(history_start) if history_start is not None else dates.min()
    coverage = int(_units_back(pd.Series([first]), end, unit)[0])
    if first != _unit_start(first, end, unit):
        coverage -= 1                   # the oldest unit is only partly covered by the data
    kind, offsets = _windows(unit, periods, years, recent_periods, coverage)
    horizon = max(offsets, default=0) + periods

    ids = frame["id"].to_numpy() if "id" in frame else np.arange(len(frame))
    parts = [pd.DataFrame({"category": frame["category"].to_numpy(), "area": ALL_AREAS, "back": back, "id": ids})]
    if by_area and by_area in frame:
        parts.append(pd.DataFrame({"category": frame["category"].to_numpy(), "area": frame[by_area].to_numpy(),
                                   "back": back, "id": ids}).dropna(subset=["area"]))
    long = pd.concat(parts, ignore_index=True)
    long = long[(long["back"] >= 0) & (long["back"] < horizon)]
    if long.empty:
        return TrendReport(unit, periods, start, end, [])
    cat_codes, cat_names = pd.factorize(long["category"])
    area_codes, area_names = pd.factorize(long["area"])
    codes, pair_keys = pd.factorize(cat_codes.astype(np.int64) * len(area_names) + area_codes)
    uniques = [(cat_names[k // len(area_names)], area_names[k % len(area_names)]) for k in pair_keys.tolist()]
    backs = long["back"].to_numpy()
    counts = np.zeros((len(uniques), horizon), np.int64)
    np.add.at(counts, (codes, backs), 1)
    csum = np.concatenate([np.zeros((len(uniques), 1), np.int64), np.cumsum(counts, axis=1)], axis=1)
    observed = csum[:, periods]
    base = np.stack([csum[:, o + periods] - csum[:, o] for o in offsets], axis=1) if offsets else \
        np.zeros((len(uniques), 0), np.int64)
    expected, phi, p = exceedance_p(observed, base)
    q = benjamini_hochberg(p)
    emerging = (q <= alpha) & (observed >= min_count) & (observed > expected) & (base.shape[1] > 0)

    recent = backs < periods
    by_group: dict[int, list[int]] = {}
    for c, i in zip(codes[recent].tolist(), long["id"].to_numpy()[recent].tolist()):
        by_group.setdefault(c, []).append(int(i))
    results = [TrendResult(cat, area, int(observed[g]), float(expected[g]), float(phi[g]), float(p[g]),
                           float(q[g]), kind, base.shape[1], bool(emerging[g]), by_group.get(g, []))
               for g, (cat, area) in enumerate(uniques)]
    return TrendReport(unit, periods, start, end, results)
