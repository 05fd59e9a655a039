"""``workbench insight taskings``: which taskings worked, for which problems, by tactic."""

from __future__ import annotations

from datetime import date, timedelta

from workbench.cli.common import Context, add_group, period

ORDER = 84


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "insight", "performance and insight: which taskings worked, by tactic", parent)
    p = group.add_parser("taskings", parents=[parent], help="every accepted tasking measured, by tactic",
                         description="Every PATP accepted at a TTCG meeting held from --from to --to: its priority, "
                                     "problem type, tactics, decision, offences in the tasked area before and after "
                                     "(8 weeks each side of the meeting), change, WDQ and outcomes; then the same "
                                     "by tactic and by problem type, per 1,000 residents where a population table "
                                     "is imported. Taskings whose after period has not elapsed are listed but not "
                                     "counted in the totals.")
    p.add_argument("--from", dest="date_from", required=True, metavar="D", help='taskings decided from this day (date or month)')
    p.add_argument("--to", dest="date_to", required=True, metavar="D", help='taskings decided up to this day (date or month)')
    p.add_argument("--chart", metavar="FILE.png", help="also write the by-tactic chart (marked, audited)")
    p.add_argument("--force", action="store_true", help="replace an existing chart file")
    p.set_defaults(handler=_taskings, text=_taskings_text)


def _taskings(args, ctx: Context) -> dict:
    from workbench.tasking.insight import export_insight_chart, tasking_insight

    store = ctx.store()
    last = date.fromisoformat(period(args.date_to, end=True)[:10]) - timedelta(days=1)
    insight = tasking_insight(store, period(args.date_from)[:10], last.isoformat())
    out = insight.as_json()
    if args.chart:
        out["chart"] = str(export_insight_chart(store, insight, args.chart, force=args.force))
    return out


def _pct(value) -> str:
    return "-" if value is None else f"{value:+.0%}"


def _taskings_text(result: dict) -> str:
    lines = [f"{'PATP':<16}{'priority':<26}{'problem':<10}{'before':>7}{'after':>7}{'change':>8}{'WDQ':>7}  tactics"]
    for r in result["taskings"]:
        after = "-" if r["after"] is None else r["after"]
        wdq = "-" if r["wdq"] is None else f"{r['wdq']:.2f}"
        lines.append(f"{r['patp']:<16}{r['priority'][:25]:<26}{r['problem_type'][:9]:<10}{r['before']:>7}{after:>7}"
                     f"{_pct(r['change']):>8}{wdq:>7}  {', '.join(r['tactics'])}")
    lines.append("")
    lines.append(f"{'tactic':<16}{'taskings':>9}{'measured':>9}{'before':>8}{'after':>7}{'change':>8}{'reduced':>8}")
    for t in result["by_tactic"]:
        lines.append(f"{t['tactic']:<16}{t['taskings']:>9}{t['measured']:>9}{t['before']:>8}{t['after']:>7}"
                     f"{_pct(t['change']):>8}{t['reduced']:>8}")
    lines += [f"Note: {n}" for n in result["notes"]]
    return "\n".join(lines)
