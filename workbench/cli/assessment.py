"""``workbench assessment tactical|strategic|list|show|submit|return|approve|export`` and
``workbench products search``: assessments as products and the products register."""

from __future__ import annotations

from datetime import date, timedelta

from workbench.cli.common import Context, add_group, period
from workbench.errors import BadInput
from workbench.store import strategy as db
from workbench.tasking.workflow import STATUS_LABELS

ORDER = 82


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "assessment", "tactical and strategic assessments (QA like a PATP)", parent)
    p = group.add_parser("tactical", parents=[parent], help="the tactical assessment of a period (PDF and Word)",
                         description="Assess a period by priority: new sexual offences, series, hotspots of each "
                                     "priority's crimes, near-repeat risk, emerging trends by the scan's own "
                                     "seasonal test (so the same period gives the same trends as `workbench scan "
                                     "--since`), the intelligence requirements and recommendations that can become "
                                     "PATPs. Stored as a draft product for QA and written as PDF and .docx, "
                                     "marked DRAFT until approved.")
    _period_options(p)
    p.add_argument("--borough", action="append", metavar="B",
                   help="only this borough (repeatable; default: the `borough` setting, else all)")
    p.add_argument("--no-hotspots", action="store_true", help="leave out the hotspot analysis (faster)")
    p.set_defaults(handler=_tactical)

    p = group.add_parser("strategic", parents=[parent], help="the strategic assessment of a year (PDF and Word)",
                         description="Twelve months (or the period given) by priority against the same period a "
                                     "year before, every category's change with a Poisson test, recommended "
                                     "priorities and a review date three months after the period.")
    _period_options(p)
    p.add_argument("--borough", action="append", metavar="B", help="only this borough (repeatable)")
    p.set_defaults(handler=_strategic)

    p = group.add_parser("list", parents=[parent], help="assessments, newest first")
    p.add_argument("--status", action="append", choices=list(STATUS_LABELS)[:4], help="only this status")
    p.set_defaults(handler=_list)
    p = group.add_parser("show", parents=[parent], help="one assessment with its picture and QA history")
    p.add_argument("assessment", metavar="REF", help="id or reference, e.g. TA/2025/0001")
    p.set_defaults(handler=_show)
    for action in ("submit", "return", "approve"):
        p = group.add_parser(action, parents=[parent], help=f"{action} an assessment (QA workflow step)",
                             description=f"Workflow step '{action}', under the same rules as a PATP's (a different "
                                         "analyst approves; returning needs comments). Audited.")
        p.add_argument("assessment", metavar="REF", help="the assessment's reference (TA/... or SA/...) or id")
        p.add_argument("--comment", help="comments (required to return)")
        p.add_argument("--why", help="reason, for the audit log")
        p.set_defaults(handler=_transition, action=action)
    p = group.add_parser("export", parents=[parent], help="write an assessment again (after QA)",
                         description="Write the stored assessment as PDF and .docx (DRAFT on every page until it "
                                     "is approved), through the release gate. Audited.")
    p.add_argument("assessment", metavar="REF", help="the assessment's reference (TA/... or SA/...) or id")
    _out_options(p)
    p.set_defaults(handler=_export)

    group = add_group(subparsers, "products", "the products register: PATPs and assessments", parent)
    p = group.add_parser("search", parents=[parent], help="find PATPs and assessments",
                         description="Products whose text contains every word of TEXT (any case), optionally by "
                                     "author, date (created) and status, newest first.")
    p.add_argument("text", nargs="?", default="", metavar="TEXT", help='words to find in titles and contents (all products when empty)')
    p.add_argument("--author", help="author (part of the name)")
    p.add_argument("--from", dest="date_from", metavar="D", help="created on or after D")
    p.add_argument("--to", dest="date_to", metavar="D", help="created on or before D")
    p.add_argument("--status", help="e.g. draft, submitted, approved, accepted")
    p.add_argument("--kind", choices=["patp", "tactical", "strategic", "subject"], help="only this kind of product")
    p.set_defaults(handler=_search)


def _period_options(p) -> None:
    p.add_argument("--from", dest="date_from", required=True, metavar="D", help='first day of the period (date or month)')
    p.add_argument("--to", dest="date_to", required=True, metavar="D", help='last day of the period (date or month)')
    _out_options(p)
    p.add_argument("--why", help="reason, for the audit log")


def _out_options(p) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the PDF and .docx into")
    p.add_argument("--format", action="append", choices=["pdf", "docx"], help="only this format (repeatable)")
    p.add_argument("--force", action="store_true", help="replace files of the same name")


def _last_day(text: str) -> date:
    """The last day a ``--to`` date or month covers."""
    return date.fromisoformat(period(text, end=True)[:10]) - timedelta(days=1)


def _dates(args) -> tuple[date, date]:
    start, end = date.fromisoformat(period(args.date_from)[:10]), _last_day(args.date_to)
    if end < start:
        raise BadInput(f"--to {args.date_to} is before --from {args.date_from}")
    return start, end


def _formats(args) -> tuple[str, ...]:
    return tuple(dict.fromkeys(args.format)) if args.format else ("pdf", "docx")


def _build(args, ctx: Context, kind: str, boroughs: list[str]):
    from workbench.reports.assessment import build_assessment

    start, end = _dates(args)
    a, files = build_assessment(ctx.store(), kind, start, end, args.out, boroughs=boroughs,
                                hotspots=not getattr(args, "no_hotspots", False), formats=_formats(args),
                                force=args.force, why=args.why, progress=ctx.progress)
    return a, {"files": [str(f) for f in files], "id": a.id, "reference": a.reference, "status": a.status}


def _tactical(args, ctx: Context) -> dict:
    store = ctx.store()
    boroughs = args.borough or ([store.setting("borough")] if store.setting("borough") else [])
    a, out = _build(args, ctx, "tactical", boroughs)
    keys = ("trends", "series", "hotspots", "priorities", "recommendations", "trend_period", "notes")
    return {**out, **{k: a.picture[k] for k in keys}}


def _strategic(args, ctx: Context) -> dict:
    a, out = _build(args, ctx, "strategic", args.borough or [])
    return {**out, **{k: a.picture[k] for k in ("priorities", "recommended", "review_date", "categories", "notes")}}


def _list(args, ctx: Context) -> dict:
    return {"assessments": db.list_assessments(ctx.store(), args.status)}


def _show(args, ctx: Context) -> dict:
    from workbench.tasking.products import load_assessment

    a = load_assessment(ctx.store(), args.assessment)
    return {**a.to_body(), "id": a.id, "draft": bool(a.draft)}


def _transition(args, ctx: Context) -> dict:
    from workbench.tasking.products import AssessmentTransition, load_assessment

    store = ctx.store()
    AssessmentTransition(args.assessment, args.action, args.comment, why=args.why).do(store)
    a = load_assessment(store, args.assessment)
    return {"id": a.id, "reference": a.reference, "status": a.status,
            "status_label": STATUS_LABELS.get(a.status, a.status), "action": args.action}


def _export(args, ctx: Context) -> dict:
    from workbench.reports.assessment import export_assessment
    from workbench.tasking.products import load_assessment

    store = ctx.store()
    a = load_assessment(store, args.assessment)
    files = export_assessment(store, a, args.out, formats=_formats(args), force=args.force)
    return {"files": [str(f) for f in files], "reference": a.reference, "status": a.status, "draft": bool(a.draft)}


def _search(args, ctx: Context) -> dict:
    from workbench.tasking.products import search_products

    found = search_products(ctx.store(), args.text, author=args.author, date_from=args.date_from and
                            period(args.date_from)[:10], date_to=args.date_to and _last_day(args.date_to).isoformat(),
                            status=args.status, kind=args.kind)
    return {"products": found, "count": len(found)}
