"""``workbench scan`` and ``workbench search save|list|run|delete|subscribe``."""

from __future__ import annotations

from workbench.cli.common import Context, add_group, period
from workbench.domain.grid import check_bbox
from workbench.errors import BadInput
from workbench.scan.defaults import HOTSPOT_METHOD, MIN_COUNT, PERMUTATIONS, SEED, TREND_ALPHA
from workbench.scan.scanner import run_scan
from workbench.scan.searches import offence_filter, run_search
from workbench.store.scan import (
    SEARCH_KINDS,
    delete_search,
    list_searches,
    require_search,
    save_search,
    set_subscribed,
)

ORDER = 60


def register(subparsers, parent) -> None:
    p = subparsers.add_parser(
        "scan", parents=[parent], help="what is new since your last scan",
        description="Scan the store: offences new since your last scan (or --since) by category and "
                    "area, emerging trends against the seasonal baseline (statistical test with "
                    "false-discovery-rate control), new sexual offences with link candidates, repeat "
                    "and near-repeat locations, new hotspots and new matches of your subscribed "
                    "saved searches. The scan is remembered per user.")
    p.add_argument("--since", metavar="D", help="report offences committed since D (date or month) instead "
                                                "of those added since your last scan")
    p.add_argument("--preview", action="store_true",
                   help="do not record the scan (the next scan starts where the last recorded one ended)")
    p.add_argument("--alpha", type=float, default=TREND_ALPHA,
                   help=f"false-discovery rate for emerging trends (default {TREND_ALPHA})")
    p.add_argument("--min-count", type=int, default=MIN_COUNT,
                   help=f"fewest offences in the recent period for a trend alert (default {MIN_COUNT})")
    p.add_argument("--permutations", type=int, default=PERMUTATIONS,
                   help=f"Monte Carlo permutations of the near-repeat test (default {PERMUTATIONS})")
    p.add_argument("--seed", type=int, default=SEED, help=f"seed of the near-repeat permutations (default {SEED})")
    p.add_argument("--hotspot-method", choices=["kde", "gi"], default=HOTSPOT_METHOD,
                   help="compare this period's hotspots with the last by kernel density (default) or Gi*")
    p.add_argument("--include-coarse", action="store_true",
                   help="let police.uk and month-only records count in repeat-location and near-repeat alerts "
                        "(left out by default: their place or time is too coarse)")
    p.set_defaults(handler=_scan, text=_scan_text, help_parser=p)

    group = add_group(subparsers, "search", "saved searches of offences or intelligence", parent)
    s = group.add_parser("save", parents=[parent], help="save a search (subscribed by default)",
                         description="Save a named search of offences or intelligence reports. Every scan "
                                     "reports what is new in the searches you subscribe to.")
    s.add_argument("name", help="the saved search's name")
    s.add_argument("--kind", choices=list(SEARCH_KINDS), default=SEARCH_KINDS[0],
                   help="search offences (default) or intelligence reports")
    s.add_argument("--category", action="append", metavar="C", help="offence category (repeatable)")
    s.add_argument("--from", dest="date_from", metavar="D", help="committed/recorded on or after D")
    s.add_argument("--to", dest="date_to", metavar="D", help="committed/recorded up to D (a month includes all of it)")
    s.add_argument("--borough", action="append", help="borough name (repeatable)")
    s.add_argument("--ward", action="append", help="ward name (offences; repeatable)")
    s.add_argument("--text", dest="search_text",
                   help="offences: text in the reference or location; intel: free-text search")
    s.add_argument("--bbox", metavar="MINX,MINY,MAXX,MAXY", help="British National Grid box in metres")
    s.add_argument("--grading", action="append", help="intel: grading system or evaluation, e.g. 1A (repeatable)")
    s.add_argument("--entity", action="append", help="intel: a vehicle, phone, postcode or person mentioned (repeatable)")
    s.add_argument("--handling", action="append", help="intel: handling code (repeatable)")
    s.add_argument("--no-subscribe", action="store_true", help="save without subscribing")
    s.add_argument("--replace", action="store_true", help="overwrite your search of the same name")
    s.set_defaults(handler=_save, text=lambda r: f"Saved {_describe(r['saved'])}.")

    s = group.add_parser("list", parents=[parent], help="list your saved searches",
                         description="List your saved searches with their filters and subscriptions.")
    s.add_argument("--all-users", action="store_true", help="every analyst's saved searches")
    s.set_defaults(handler=_list, text=_list_text)

    s = group.add_parser("run", parents=[parent], help="run a saved search now",
                         description="Run a saved search: its matches and which are new since the last scan "
                                     "(running it does not mark them as seen; a scan does).")
    s.add_argument("name", help="the saved search's name")
    s.add_argument("--limit", type=int, default=1000, help="list at most this many matching ids (default 1000)")
    s.set_defaults(handler=_run, text=_run_text)

    s = group.add_parser("delete", parents=[parent], help="delete a saved search",
                         description="Delete one of your saved searches.")
    s.add_argument("name", help="the saved search's name")
    s.set_defaults(handler=_delete)

    s = group.add_parser("subscribe", parents=[parent], help="subscribe to a saved search (or --off)",
                         description="Subscribe to one of your saved searches so every scan reports its new "
                                     "matches; --off unsubscribes.")
    s.add_argument("name", help="the saved search's name")
    s.add_argument("--off", action="store_true", help="unsubscribe")
    s.set_defaults(handler=_subscribe)


def _scan(args, ctx: Context) -> dict:
    report = run_scan(ctx.store(), None, period(args.since), progress=ctx.progress,
                      record=not args.preview, alpha=args.alpha, min_count=args.min_count,
                      permutations=args.permutations, seed=args.seed, hotspot_method=args.hotspot_method,
                      include_coarse=args.include_coarse)
    return report.as_json()


def _scan_text(result: dict) -> str:
    lines = [result["summary"] + "."]
    if result["by_category"]:
        lines.append("By category: " + ", ".join(f"{k} {v:,}" for k, v in result["by_category"].items()))
    if result["by_area"]:
        lines.append("By borough: " + ", ".join(f"{k} {v:,}" for k, v in list(result["by_area"].items())[:15]))
    lines.append(f"{len(result['alerts'])} alert(s):")
    lines += [f"  [{a['kind']}] {a['summary']}" for a in result["alerts"]]
    lines += [f"Note: {n}" for n in result["notes"]]
    return "\n".join(lines)


def _filter_from_args(args) -> dict:
    """The stored filter of ``search save`` (only the options given)."""
    if args.kind == "offences":
        for option in ("grading", "entity", "handling"):
            if getattr(args, option):
                raise BadInput(f"--{option} only applies to --kind intel")
        spec = {"categories": args.category, "date_from": period(args.date_from),
                "date_to": period(args.date_to, end=True), "boroughs": args.borough, "wards": args.ward,
                "text": args.search_text, "bbox": _bbox(args.bbox)}
        spec = {k: v for k, v in spec.items() if v}
        offence_filter(spec)
        return spec
    if args.category or args.ward:
        raise BadInput("--category and --ward only apply to --kind offences")
    spec = {"text": args.search_text, "date_from": args.date_from, "date_to": args.date_to, "borough": args.borough,
            "grading": args.grading, "entity": args.entity, "handling": args.handling, "bbox": _bbox(args.bbox)}
    return {k: v for k, v in spec.items() if v}


def _bbox(text: str | None) -> list[float] | None:
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise BadInput(f"--bbox {text!r} must be MINX,MINY,MAXX,MAXY in metres")
    return list(check_bbox(parts))


def _save(args, ctx: Context) -> dict:
    search = save_search(ctx.store(), args.name, args.kind, _filter_from_args(args),
                         subscribed=not args.no_subscribe, replace=args.replace)
    return {"saved": search.as_json()}


def _list(args, ctx: Context) -> dict:
    searches = list_searches(ctx.store(), owner="*" if args.all_users else None)
    return {"searches": [s.as_json() for s in searches]}


def _describe(search: dict) -> str:
    """``'Camden robbery' (offences, subscribed): categories robbery; boroughs Camden``."""
    terms = "; ".join(f"{k.replace('_', ' ')} {', '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in search["filter"].items()) or "everything"
    state = "subscribed" if search["subscribed"] else "not subscribed"
    return f"{search['name']!r} ({search['kind']}, {search['owner']}, {state}): {terms}"


def _list_text(result: dict) -> str:
    if not result["searches"]:
        return "No saved searches (save one with: workbench search save NAME ...)."
    return "\n".join(_describe(s) for s in result["searches"])


def _run_text(result: dict) -> str:
    shown = ", ".join(result["new_ids"][:20]) + (" ..." if len(result["new_ids"]) > 20 else "")
    line = (f"{result['search']!r}: {result['matches']:,} matches, {result['new']:,} new since your last scan"
            + (f": {shown}" if shown else "") + ".")
    return line + (f"\nNote: {result['note']}" if result.get("note") else "")


def _run(args, ctx: Context) -> dict:
    update = run_search(ctx.store(), require_search(ctx.store(), args.name))
    out = update.as_json()
    out["ids"] = update.matches[:args.limit]
    return out


def _delete(args, ctx: Context) -> dict:
    search = require_search(ctx.store(), args.name)
    delete_search(ctx.store(), search)
    return {"deleted": search.name}


def _subscribe(args, ctx: Context) -> dict:
    search = set_subscribed(ctx.store(), require_search(ctx.store(), args.name), not args.off)
    return {"search": search.name, "subscribed": search.subscribed}
