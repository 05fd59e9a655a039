"""``workbench people nominals|suspects|victims|missing``: the BIU's people picture."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.domain.people import FLAGS
from workbench.people.defaults import (
    REPEAT_MISSING_DAYS,
    REPEAT_MISSING_EPISODES,
    REPEAT_VICTIM_DAYS,
    REPEAT_VICTIM_OFFENCES,
)
from workbench.people.description import ATTRIBUTE_LABELS

ORDER = 46


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "people", "nominals, repeat victims, repeat missing people and nominals as suspects",
                      parent)
    p = group.add_parser("nominals", parents=[parent], help="nominals by flag with their latest activity",
                         description="List nominals (those with any --flag; all without) with their flags, MAPPA "
                                     "level, review date and latest activity (offence, intelligence report or "
                                     "missing episode), most recently active first.")
    p.add_argument("--flag", action="append", choices=list(FLAGS), help="only nominals with this flag (repeatable)")
    p.set_defaults(handler=_nominals, text=_nominals_text)

    p = group.add_parser("suspects", parents=[parent], help="nominals ranked as suspects for offences or a series",
                         description="Rank nominals for an offence, several offences or a series (--series: a "
                                     "linkage series id or the force's series reference) by distance from home to "
                                     "the nearest offence, match with the suspect description, offending history "
                                     "and flags, with the reasons. Nominals of the other sex, or living further "
                                     "than --max-km away, are left out.")
    p.add_argument("refs", nargs="*", metavar="REF", help="offence reference(s)")
    p.add_argument("--series", metavar="S", help="the offences of this series")
    p.add_argument("--top", type=int, default=10, metavar="K", help="how many nominals (default 10)")
    p.add_argument("--max-km", type=float, default=5.0, metavar="KM",
                   help="leave out nominals living further than this from every offence (default 5)")
    p.add_argument("--flag", action="append", choices=list(FLAGS), help="only nominals with this flag (repeatable)")
    p.set_defaults(handler=_suspects, text=_suspects_text)

    p = group.add_parser("victims", parents=[parent], help="repeat victims (by victim_ref)",
                         description="Victim references with at least --min offences within --days of each "
                                     "other, most offences first.")
    p.add_argument("--min", type=int, default=REPEAT_VICTIM_OFFENCES, dest="minimum", metavar="N",
                   help=f"fewest offences (default {REPEAT_VICTIM_OFFENCES})")
    p.add_argument("--days", type=int, default=REPEAT_VICTIM_DAYS, metavar="D",
                   help=f"within this many days (default {REPEAT_VICTIM_DAYS})")
    p.set_defaults(handler=_victims, text=_victims_text)

    p = group.add_parser("missing", parents=[parent], help="repeat missing people with their episodes",
                         description=f"People missing at least --min times within --days (default "
                                     f"{REPEAT_MISSING_EPISODES} in {REPEAT_MISSING_DAYS}, the "
                                     "College of Policing's repeat definition), with every episode: when "
                                     "reported and found, where last seen and found, risk, home type and flags.")
    p.add_argument("--min", type=int, default=REPEAT_MISSING_EPISODES, dest="minimum", metavar="N",
                   help=f"fewest episodes (default {REPEAT_MISSING_EPISODES})")
    p.add_argument("--days", type=int, default=REPEAT_MISSING_DAYS, metavar="D",
                   help=f"within this many days (default {REPEAT_MISSING_DAYS})")
    p.set_defaults(handler=_missing, text=_missing_text)


def _nominals(args, ctx: Context) -> dict:
    from workbench.people.overview import nominals_by_flag

    return {"nominals": nominals_by_flag(ctx.store(), args.flag)}


def _nominals_text(result: dict) -> str:
    rows = result["nominals"]
    if not rows:
        return "No nominals (workbench import nominals FILE.csv)."
    lines = [f"{'nominal':<14} {'flags':<26} {'review':<10}  latest activity"]
    for r in rows:
        latest = f"{r['latest_kind']} {r['latest_activity'].replace('T', ' ')}" if r["latest_activity"] else "none"
        lines.append(f"{r['nominal']:<14} {', '.join(r['flags']):<26} {r['review_date'] or '':<10}  {latest}")
    return "\n".join(lines)


def _suspects(args, ctx: Context) -> dict:
    from workbench.errors import BadInput
    from workbench.people.suspects import suspects_for
    from workbench.tasking.sources import problem_from_series

    store = ctx.store()
    if args.series and args.refs:
        raise BadInput("give offence references or --series, not both")
    ids = list(problem_from_series(store, args.series).offence_ids) if args.series else None
    result = suspects_for(store, refs=args.refs, offence_ids=ids, top=args.top, max_km=args.max_km,
                          flags=args.flag).as_json()
    return {"offence": args.refs[0] if len(args.refs) == 1 else None, "series": args.series, **result}


def _suspects_text(r: dict) -> str:
    what = f"series {r['series']}" if r["series"] else ", ".join(r["offences"][:5])
    described = ", ".join(f"{ATTRIBUTE_LABELS[k]} {v:g}" if isinstance(v, float) else f"{ATTRIBUTE_LABELS[k]} {v}"
                          for k, v in r["description"].items()) or "none"
    lines = [f"Nominals for {what} ({r['considered']} considered; description {described}):"]
    for s in r["suspects"]:
        lines.append(f"  {s['score']:.2f}  {s['nominal']} ({', '.join(s['flags'])}): {s['reasons']['summary']}")
    if not r["suspects"]:
        lines.append("  no nominal lives near enough or fits the description")
    return "\n".join(lines)


def _victims(args, ctx: Context) -> dict:
    from workbench.people.overview import repeat_victims

    return {"victims": repeat_victims(ctx.store(), min_offences=args.minimum, days=args.days)}


def _victims_text(result: dict) -> str:
    if not result["victims"]:
        return "No repeat victims."
    return "\n".join(f"{v['victim_ref']}: {v['offences']} offences ({v['most_in_window']} within the window), "
                     f"{v['first'][:10]} to {v['last'][:10]}: {', '.join(v['offence_refs'])}"
                     for v in result["victims"])


def _missing(args, ctx: Context) -> dict:
    from workbench.people.overview import repeat_missing

    return {"people": repeat_missing(ctx.store(), min_episodes=args.minimum, days=args.days)}


def _missing_text(result: dict) -> str:
    if not result["people"]:
        return "No repeat missing people."
    lines = []
    for p in result["people"]:
        lines.append(f"{p['person_ref']}: {p['episodes']} episodes from {p['first'][:10]} to {p['last'][:10]}"
                     + (f" ({', '.join(p['home_types'])})" if p["home_types"] else "")
                     + (f"; flags {', '.join(p['flags'])}" if p["flags"] else ""))
        for e in p["timeline"]:
            found = f"found {e['found_at'].replace('T', ' ')}" if e["found_at"] else "not found"
            lines.append(f"    {e['episode_ref']}: reported {e['reported_at'].replace('T', ' ')}, {found}, {e['risk']} risk")
    return "\n".join(lines)


def management_lines(page: dict) -> list[str]:
    """A person page's management status, missing episodes and victimisation as text lines."""
    lines = []
    m = page.get("management")
    if m:
        lines.append(f"  nominal: {', '.join(f['meaning'] for f in m['flags']) or 'no flags'}"
                     + (f"; MAPPA level {m['mappa_level']}" if m["mappa_level"] else "")
                     + (f"; review {m['review_date']}{' (overdue)' if m['review_overdue'] else ''}"
                        if m["review_date"] else ""))
        if m["conditions"]:
            lines.append(f"  conditions: {m['conditions']}" + ("; exclusion zone recorded" if m["exclusion_wkt"] else ""))
    if page.get("missing_episodes"):
        lines.append(f"  missing {len(page['missing_episodes'])} times, last reported "
                     f"{page['missing_episodes'][-1]['reported_at'][:10]}")
    if page.get("victimisation"):
        lines.append(f"  victim of {len(page['victimisation'])} offences: "
                     + ", ".join(v["offence_ref"] for v in page["victimisation"]))
    return lines
