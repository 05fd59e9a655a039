"""``workbench patp|meeting|results|pack``: PATPs through QA and the TTCG, and tasking packs."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.reports.pack import PackOptions, export_meeting_pack, export_patp_pack
from workbench.store import tasking as db
from workbench.tasking import sources
from workbench.tasking.editing import CreatePatp, load_patp
from workbench.tasking.meetings import CreateMeeting, require_meeting
from workbench.tasking.prefill import build_patp
from workbench.tasking.results import analyse_patp
from workbench.tasking.workflow import PatpTransition

ORDER = 80


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "patp", "create PATPs and take them through QA and the TTCG", parent)
    p = group.add_parser("create", parents=[parent], help="draft a pre-filled PATP from a series, person or saved search")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--series", help="series id or force series reference")
    src.add_argument("--person", help="offender identifier")
    src.add_argument("--search", help="saved offences search name")
    p.set_defaults(handler=_create)
    p = group.add_parser("list", parents=[parent], help="list PATPs")
    p.add_argument("--status", action="append", help="only this status (may repeat)")
    p.set_defaults(handler=lambda a, ctx: {"patps": db.list_patps(ctx.store(), a.status)})
    p = group.add_parser("show", parents=[parent], help="show one PATP with its history")
    p.add_argument("patp", help="PATP id or reference")
    p.set_defaults(handler=_show)
    for action in ("submit", "approve", "return", "schedule", "decide"):
        p = group.add_parser(action, parents=[parent], help=f"{action} a PATP (workflow step)")
        p.add_argument("patp", help="PATP id or reference")
        p.add_argument("--comment", help="comment or reasons (needed to return or decide)")
        p.add_argument("--user", help="who acts (default: the logged-in analyst)")
        if action == "schedule":
            p.add_argument("--meeting", type=int, required=True, help="TTCG meeting id")
        if action == "decide":
            p.add_argument("--decision", required=True, choices=("accepted", "rejected", "deferred"))
        p.set_defaults(handler=_transition, action=action)

    group = add_group(subparsers, "meeting", "TTCG meetings", parent)
    p = group.add_parser("create", parents=[parent], help="create a TTCG meeting with its agenda")
    p.add_argument("--date", help="meeting date (default: one cycle after the last meeting)")
    p.add_argument("--borough")
    p.add_argument("--chair")
    p.set_defaults(handler=_meeting_create)
    p = group.add_parser("list", parents=[parent], help="list TTCG meetings")
    p.set_defaults(handler=lambda a, ctx: {"meetings": db.list_meetings(ctx.store())})
    p = group.add_parser("agenda", parents=[parent], help="show a meeting's agenda, decisions and actions")
    p.add_argument("meeting", type=int)
    p.set_defaults(handler=lambda a, ctx: require_meeting(ctx.store(), a.meeting))

    p = subparsers.add_parser("results", parents=[parent], help="results analysis of an accepted PATP (WDQ)")
    p.add_argument("patp", help="PATP id or reference")
    p.add_argument("--weeks", type=int, default=8)
    p.set_defaults(handler=lambda a, ctx: analyse_patp(ctx.store(), load_patp(ctx.store(), a.patp),
                                                     weeks=a.weeks).as_json())

    p = subparsers.add_parser("pack", parents=[parent], help="export a tasking pack (PDF and Word)")
    p.add_argument("target", nargs="+", help="PATP_ID, or: meeting ID")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--pdf", action="store_true", help="only PDF")
    p.add_argument("--docx", action="store_true", help="only Word")
    p.add_argument("--include-victim-details", action="store_true",
                   help="deliberately include victims' personal details (audited)")
    p.set_defaults(handler=_pack)


def _create(args, ctx: Context) -> dict:
    store = ctx.store()
    if args.series:
        problem = sources.problem_from_series(store, args.series)
    elif args.person:
        problem = sources.problem_from_person(store, args.person)
    else:
        problem = sources.problem_from_search(store, args.search)
    cmd = CreatePatp(build_patp(store, problem))
    cmd.do(store)
    return {"id": cmd.patp_id, "reference": cmd.patp.reference,
            "notes": cmd.patp.supporting_analysis.get("notes", [])}


def _show(args, ctx: Context) -> dict:
    patp = load_patp(ctx.store(), args.patp)
    body = patp.to_body()
    body["id"] = patp.id
    body["history"] = db.transitions(ctx.store(), patp.id)
    return body


def _transition(args, ctx: Context) -> dict:
    cmd = PatpTransition(args.patp, args.action, args.comment, decision=getattr(args, "decision", None),
                         meeting_id=getattr(args, "meeting", None), user=args.user)
    changed = cmd.do(ctx.store())
    return {"patp": changed.ids[0], "status": changed.detail["status"]}


def _meeting_create(args, ctx: Context) -> dict:
    cmd = CreateMeeting(args.date, borough=args.borough, chair=args.chair)
    cmd.do(ctx.store())
    return require_meeting(ctx.store(), cmd.meeting_id)


def _pack(args, ctx: Context) -> dict:
    formats = tuple(f for f, on in (("pdf", args.pdf), ("docx", args.docx)) if on) or ("pdf", "docx")
    options = PackOptions(include_victim_details=args.include_victim_details)
    if args.target[0] == "meeting":
        if len(args.target) != 2 or not args.target[1].isdigit():
            raise ValueError("use: workbench pack meeting ID --out DIR")
        files = export_meeting_pack(ctx.store(), int(args.target[1]), args.out, formats=formats, options=options,
                                    progress=ctx.progress)
    else:
        if len(args.target) != 1:
            raise ValueError("use: workbench pack PATP_ID --out DIR")
        files = export_patp_pack(ctx.store(), args.target[0], args.out, formats=formats, options=options,
                                 progress=ctx.progress)
    return {"files": [str(f) for f in files]}
