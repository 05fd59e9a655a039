"""``workbench nearrepeat``: the Knox near-repeat table and the near-repeat risk window."""

from __future__ import annotations

from workbench.cli.common import Context
from workbench.cli.hotspots import add_filter_options, load_offences
from workbench.geo.defaults import ALPHA, DISTANCE_BANDS, METRIC, PERMUTATIONS, TIME_BANDS
from workbench.geo.nearrepeat import MIN_OBSERVED

ORDER = 55
METRICS = ("euclidean", "manhattan")


def register(subparsers, parent) -> None:
    p = subparsers.add_parser(
        "nearrepeat", parents=[parent], help="near-repeat (Knox) table of distance x time bands",
        description="Ratcliffe's Near Repeat Calculator analysis: every pair of offences counted in "
                    "a table of distance bands (same location first, 'more than' last) x time "
                    "bands ('more than' last), against the counts expected when the dates are "
                    "shuffled (Monte Carlo permutation). Prints observed and expected counts, Knox "
                    "ratios and p-values per cell, and the near-repeat risk window.")
    add_filter_options(p)
    p.add_argument("--distance-band", type=float, required=True, metavar="M", help="width of a distance band in metres")
    p.add_argument("--distance-bands", type=int, default=DISTANCE_BANDS, metavar="K",
                   help=f"number of distance bands (default {DISTANCE_BANDS})")
    p.add_argument("--time-band", type=float, required=True, metavar="DAYS", help="width of a time band in days")
    p.add_argument("--time-bands", type=int, default=TIME_BANDS, metavar="K",
                   help=f"number of time bands (default {TIME_BANDS})")
    p.add_argument("--permutations", type=int, default=PERMUTATIONS, metavar="N",
                   help=f"date permutations (default {PERMUTATIONS})")
    p.add_argument("--seed", type=int, help="random seed, for a reproducible table")
    p.add_argument("--metric", choices=METRICS, default=METRIC,
                   help=f"euclidean (straight line) or manhattan (along a street grid) (default {METRIC})")
    p.add_argument("--alpha", type=float, default=ALPHA,
                   help=f"significance level of the risk window (default {ALPHA})")
    p.add_argument("--min-observed", type=int, default=MIN_OBSERVED, metavar="N",
                   help=f"cells with fewer observed pairs are never quoted or used for the risk window "
                        f"(default {MIN_OBSERVED})")
    p.set_defaults(handler=_nearrepeat, text=_text, help_parser=p)


def _nearrepeat(args, ctx: Context) -> dict:
    from workbench.geo.nearrepeat import event_days, knox, risk_window

    frame = load_offences(ctx.store(), args.category, args.date_from, args.date_to, args.borough)
    result = knox(frame["easting"].to_numpy(float), frame["northing"].to_numpy(float), event_days(frame),
                  distance_band=args.distance_band, distance_bands=args.distance_bands,
                  time_band=args.time_band, time_bands=args.time_bands, permutations=args.permutations,
                  seed=args.seed, metric=args.metric, progress=ctx.progress)
    warnings = result.warnings + date_precision_warning(frame, args.time_band)
    for warning in warnings:
        ctx.message(f"warning: {warning}")
    out = result.as_json(args.min_observed)
    out["warnings"] = warnings
    window = risk_window(result, args.alpha, args.min_observed)
    out["risk_window"] = None if window is None else {
        "radius_m": window.radius, "days": window.days, "knox_ratio": round(window.knox_ratio, 4),
        "summary": window.summary()}
    return out


def date_precision_warning(frame, time_band: float) -> list[str]:
    """A warning when most offences' committed windows are as long as a time band (police.uk
    dates are whole months): the table then compares "same month" with "other months"."""
    if frame.empty or "committed_to" not in frame:
        return []
    window = (frame["committed_to"] - frame["committed_from"]).dt.total_seconds() / 86400.0
    spread = float(window.fillna(0).median())
    if spread < time_band:
        return []
    return [f"at least half the offences are dated only to a {spread:.0f}-day window (police.uk dates are months), "
            f"longer than the {time_band:g}-day time band: the time bands mostly separate the same month "
            "from other months; use force data with dates to the day"]


def _text(result: dict) -> str:
    width = max(len(label) for label in result["distance_bands"])
    lines = [f"Knox table of {result['events']:,} offences ({result['permutations']} permutations); "
             "cells: observed / Knox ratio / p-value"]
    for col, label in enumerate(result["time_bands"]):
        lines.append(f"  T{col + 1} = {label}")
    lines.append(" " * width + "".join(f"{'T' + str(c + 1):>22}" for c in range(len(result["time_bands"]))))
    for row, label in enumerate(result["distance_bands"]):
        cells = []
        for col in range(len(result["time_bands"])):
            ratio = result["knox_ratio"][row][col]
            few = not result["reliable"][row][col]
            shown = "-" if ratio is None else f"{ratio:.2f}" + ("*" if few else "")
            cells.append(f"{result['observed'][row][col]:>8} {shown:>6} {result['p_value'][row][col]:.3f}")
        lines.append(f"{label:<{width}}" + "".join(f"{c:>22}" for c in cells))
    lines.append(f"* fewer than {result['min_observed']} observed pairs: never quoted or used for the risk window")
    window = result["risk_window"]
    lines.append(window["summary"] if window else "No significant near-repeat pattern.")
    return "\n".join(lines)
