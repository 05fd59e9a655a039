"""``workbench patp ...``, ``workbench meeting ...``, ``workbench results``, ``workbench pack``,
``workbench pack-meeting`` and ``workbench returns ...``: tasking from the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import shapely

from workbench.cli.common import Context, add_force, add_group, period
from workbench.domain.grading import DESTINATIONS
from workbench.domain.grid import check_point, check_radius
from workbench.errors import BadInput, NotFound
from workbench.reports.pack import PackOptions, export_meeting_pack, export_patp_pack
from workbench.returns.export import write_return
from workbench.returns.merge import cross_border_links, import_returns
from workbench.store import tasking as db
from workbench.store.offences import find_by_ref
from workbench.tasking.editing import CreatePatp, EditPatp, load_patp
from workbench.tasking.meetings import (
    AddAction,
    CreateMeeting,
    RecordDecision,
    RefreshAgenda,
    SetActionStatus,
    live_agenda,
    require_meeting,
)
from workbench.tasking.patp import DECISIONS, EDITABLE, Problem
from workbench.tasking.prefill import build_patp
from workbench.tasking.results import analyse_patp, export_results_chart
from workbench.tasking.sources import problem_from_hotspot, problem_from_offences, problem_from_person, problem_from_series
from workbench.tasking.workflow import STATUS_LABELS, TRANSITIONS, PatpTransition

ORDER = 80

#: Default radius (metres) of a hotspot given as a centre point.
HOTSPOT_RADIUS_M = 250.0


def register(subparsers, parent) -> None:
    _register_patp(subparsers, parent)
    _register_meeting(subparsers, parent)
    _register_returns(subparsers, parent)

    p = subparsers.add_parser("results", parents=[parent], help="results analysis of an accepted tasking",
                              description="Offences in the tasked area, a surrounding buffer and a comparison "
                                          "area before and after the TTCG decision, with the weighted "
                                          "displacement quotient (WDQ).")
    p.add_argument("patp", metavar="PATP_ID", help="PATP id or reference")
    p.add_argument("--weeks", type=int, default=8, help="weeks before and after (default 8)")
    p.add_argument("--chart", metavar="FILE.png", help="also draw the before/after chart")
    add_force(p)
    p.set_defaults(handler=_results)

    p = subparsers.add_parser("pack", parents=[parent], help="tasking pack of one PATP (PDF and Word)",
                              description="Write the PATP's tasking pack as PDF and .docx into DIR, with the "
                                          "security marking on every page. Victims' personal details are left "
                                          "out unless --include-victim-details is given. Audited.")
    p.add_argument("patp", metavar="PATP_ID", help="PATP id or reference")
    _pack_options(p)
    p.set_defaults(handler=_pack)

    p = subparsers.add_parser("pack-meeting", parents=[parent], help="tasking pack of a TTCG meeting",
                              description="Write the meeting's tasking pack (agenda, tactical assessment, PATPs, "
                                          "reviews, decision log, actions) as PDF and .docx into DIR. Audited.")
    p.add_argument("meeting", type=int, metavar="ID", help="meeting id")
    _pack_options(p)
    p.set_defaults(handler=_pack_meeting)


def _pack_options(p) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the files into")
    p.add_argument("--include-victim-details", action="store_true",
                   help="include victims' addresses and attributes (deliberate choice, audited)")
    p.add_argument("--format", action="append", choices=["pdf", "docx"], help="only this format (repeatable)")
    p.add_argument("--destination", default="internal", choices=list(DESTINATIONS),
                   help="who receives the pack (default internal, the TTCG); graded intelligence only where "
                        "its handling code permits it")
    p.add_argument("--accept-conditions", action="store_true", help="accept 3x5x2 C conditions")
    add_force(p)


def _register_patp(subparsers, parent) -> None:
    group = add_group(subparsers, "patp", "Proactive Assessment and Tasking Proformas (PATPs)", parent)

    p = group.add_parser("create", parents=[parent], help="a pre-filled draft PATP",
                         description="Create a draft PATP pre-filled from a series, offences, a person or a "
                                     "hotspot: problem summary, map area, CCA, near-repeat table, graded "
                                     "intelligence and suggested tactics. Everything stays editable.")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-series", metavar="ID", help="a series (linkage id or force series reference)")
    source.add_argument("--from-offences", nargs="+", metavar="REF", help="offence references")
    source.add_argument("--from-person", metavar="KEY", help="an offender's identifier")
    source.add_argument("--from-hotspot", metavar="X,Y", help="hotspot centre in British National Grid metres")
    p.add_argument("--radius", type=float, default=HOTSPOT_RADIUS_M, metavar="M",
                   help=f"hotspot radius in metres (default {HOTSPOT_RADIUS_M:.0f})")
    p.add_argument("--from", dest="date_from", metavar="D", help="hotspot period start")
    p.add_argument("--to", dest="date_to", metavar="D", help="hotspot period end")
    p.add_argument("--category", action="append", metavar="C", help="hotspot: only these categories")
    p.add_argument("--title", help="title (default: from the source)")
    p.add_argument("--include-doubtful", action="store_true",
                   help="also attach intelligence graded E (3x5x2) or 5 (5x5x5), suspected false")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_create)

    p = group.add_parser("list", parents=[parent], help="PATPs, newest first",
                         description="Every PATP with its status; --status filters (repeatable).")
    p.add_argument("--status", action="append", choices=list(STATUS_LABELS), help="only this status")
    p.set_defaults(handler=_list)

    p = group.add_parser("show", parents=[parent], help="every field of one PATP and its history")
    p.add_argument("patp", metavar="PATP_ID", help="PATP id or reference")
    p.set_defaults(handler=_show)

    p = group.add_parser("edit", parents=[parent], help="change fields of a PATP",
                         description="Set fields with --set FIELD=VALUE (repeatable); tactics take JSON, e.g. "
                                     "tactics='{\"Prevent\": [\"Cocooning\"]}'. Editable fields: "
                                     + ", ".join(EDITABLE) + ".")
    p.add_argument("patp", metavar="PATP_ID", help="PATP id or reference")
    p.add_argument("--set", dest="changes", action="append", required=True, metavar="FIELD=VALUE", help='a field and its new value (repeatable); tactics as JSON')
    p.add_argument("--why", help="reason, for the audit log")
    seen_version(p)
    p.set_defaults(handler=_edit)

    for action in TRANSITIONS:
        p = group.add_parser(action, parents=[parent], help=f"{action} a PATP (workflow step)",
                             description=f"Workflow step '{action}': recorded with who, when and comment "
                                         "in the PATP's history and the audit log; refused when the "
                                         "workflow does not allow it.")
        p.add_argument("patp", metavar="PATP_ID", help="PATP id or reference")
        p.add_argument("--comment", help="comments (required to return; the reasons of a decision)")
        p.add_argument("--why", help="reason, for the audit log")
        if action == "schedule":
            p.add_argument("--meeting", type=int, required=True, metavar="ID", help="the TTCG meeting")
        if action == "decide":
            p.add_argument("--decision", required=True, choices=DECISIONS, help="the TTCG's decision")
        seen_version(p)
        p.set_defaults(handler=_transition, action=action)


def _register_meeting(subparsers, parent) -> None:
    group = add_group(subparsers, "meeting", "TTCG meetings: agenda, decisions, actions", parent)

    p = group.add_parser("create", parents=[parent], help="a TTCG meeting with its agenda",
                         description="Create a meeting (default: the next one on the configured cycle) with "
                                     "an agenda built from the tactical assessment and the approved PATPs.")
    p.add_argument("--date", metavar="D", help="meeting date (default: next on the cycle)")
    p.add_argument("--borough", help="the borough (default: all)")
    p.add_argument("--chair", help="who chairs it")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_meeting_create)

    p = group.add_parser("agenda", parents=[parent], help="a meeting's agenda (--refresh rebuilds it)")
    p.add_argument("meeting", type=int, metavar="ID", help="the meeting's id (see `meeting list`)")
    p.add_argument("--refresh", action="store_true", help="rebuild the agenda from the current picture")
    p.set_defaults(handler=_meeting_agenda)

    p = group.add_parser("decide", parents=[parent], help="record the decision on an agenda item",
                         description="Decide agenda item ITEM (numbered from 1): PATPs go through the PATP "
                                     "workflow, other items into the decision log.")
    p.add_argument("meeting", type=int, metavar="ID", help="the meeting's id (see `meeting list`)")
    p.add_argument("item", type=int, metavar="ITEM", help="the agenda item's number, from 1")
    p.add_argument("--decision", required=True, help="accepted, rejected or deferred (or noted for other items)")
    p.add_argument("--comment", required=True, help="the reasons")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_meeting_decide)

    p = group.add_parser("action", parents=[parent], help="an action with owner and due date")
    p.add_argument("meeting", type=int, metavar="ID", help="the meeting's id (see `meeting list`)")
    p.add_argument("description", metavar="TEXT", help='what is to be done')
    p.add_argument("--owner", required=True, help='who owns the action')
    p.add_argument("--due", required=True, metavar="D", help='when it is due (not before today unless --force)')
    p.add_argument("--patp", metavar="PATP_ID", help="the PATP the action belongs to")
    p.add_argument("--force", action="store_true", help="accept a due date before today (a past action)")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_meeting_action)

    p = group.add_parser("action-status", parents=[parent], help="open, progress, close or cancel an action",
                         description="Change an action's status (open, in-progress, done or cancelled) with an "
                                     "optional note; the review item of the next agenda counts it. Audited.")
    p.add_argument("action", type=int, metavar="ACTION_ID", help="the action's id (see `meeting agenda`)")
    p.add_argument("--status", required=True, choices=["open", "in-progress", "done", "cancelled"], help="the action's new status")
    p.add_argument("--note", metavar="TEXT", help="what was done, or why it was cancelled")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_meeting_action_status)

    p = group.add_parser("list", parents=[parent], help="meetings, newest first")
    p.set_defaults(handler=_meeting_list)


def _register_returns(subparsers, parent) -> None:
    group = add_group(subparsers, "returns", "returns to and from the central intelligence bureau", parent)

    p = group.add_parser("export", parents=[parent], help="write the borough's return for a period",
                         description="Write the borough's series, hotspots and offenders of interest for the "
                                     "period as a versioned JSON return (schema in the user guide). No victim "
                                     "details. Audited.")
    p.add_argument("--borough", required=True, help="the borough (as its boundary is named)")
    p.add_argument("--from", dest="date_from", required=True, metavar="D", help="first day of the return's period (date or month)")
    p.add_argument("--to", dest="date_to", required=True, metavar="D", help="last day of the return's period (date or month)")
    p.add_argument("--out", required=True, metavar="FILE.json", help='the return file to write')
    add_force(p)
    p.set_defaults(handler=_returns_export)

    p = group.add_parser("import", parents=[parent], help="merge boroughs' returns; report cross-border links",
                         description="Check and store returns from several boroughs (a file already imported "
                                     "is skipped), then list offenders and series that appear in more than "
                                     "one borough.")
    p.add_argument("files", nargs="+", metavar="FILE", help='return files from the boroughs')
    p.set_defaults(handler=_returns_import, creates_store=True)

    p = group.add_parser("list", parents=[parent], help="returns received, with the cross-border links")
    p.set_defaults(handler=_returns_list)


# -- PATPs ------------------------------------------------------------------------

def _problem(args, store) -> Problem:
    if args.from_series:
        return problem_from_series(store, args.from_series)
    if args.from_person:
        return problem_from_person(store, args.from_person)
    if args.from_offences:
        ids = []
        for ref in args.from_offences:
            oid = find_by_ref(store, ref)
            if oid is None:
                raise NotFound(f"no offence {ref!r}")
            ids.append(oid)
        return problem_from_offences(store, ids)
    if not (args.date_from and args.date_to):
        raise BadInput("a hotspot PATP needs its period: --from D --to D")
    try:
        x, y = (float(v) for v in args.from_hotspot.split(","))
    except ValueError:
        raise BadInput(f"--from-hotspot takes X,Y in British National Grid metres, not {args.from_hotspot!r}") from None
    check_point(x, y, "--from-hotspot")
    return problem_from_hotspot(store, shapely.Point(x, y).buffer(check_radius(args.radius)),
                                date_from=period(args.date_from), date_to=period(args.date_to, end=True),
                                categories=args.category, ref=f"{x:.0f},{y:.0f}")


def seen_version(p) -> None:
    """The ``--seen-version`` option of the commands that change a PATP."""
    p.add_argument("--seen-version", type=int, metavar="N",
                   help="the version of the PATP you looked at (`patp show` gives it; default: the one "
                        "standing when the command starts): if someone else has saved it since, nothing "
                        "is saved and the conflict is reported")


def _seen(args, store) -> int:
    """The version the change names: ``--seen-version``, else the PATP's as it stands now."""
    return args.seen_version if args.seen_version is not None else load_patp(store, args.patp).version


def _summary(patp) -> dict:
    return {"id": patp.id, "reference": patp.reference, "title": patp.title, "status": patp.status,
            "status_label": STATUS_LABELS.get(patp.status, patp.status), "version": patp.version}


def _create(args, ctx: Context) -> dict:
    store = ctx.store()
    patp = build_patp(store, _problem(args, store), include_doubtful=args.include_doubtful)
    if args.title:
        patp.title = args.title
    CreatePatp(patp, why=args.why).do(store)
    return {**_summary(patp), "offences": len(patp.offence_ids), "missing": patp.missing_for_submission(),
            "notes": patp.supporting_analysis.get("notes", [])}


def _list(args, ctx: Context) -> dict:
    return {"patps": db.list_patps(ctx.store(), args.status)}


def _show(args, ctx: Context) -> dict:
    store = ctx.store()
    patp = load_patp(store, args.patp)
    body = patp.to_body()
    return {**body, "id": patp.id, "version": patp.version, "missing": patp.missing_for_submission(),
            "history": db.transitions(store, patp.id), "actions": db.list_actions(store, patp_id=patp.id)}


def _edit(args, ctx: Context) -> dict:
    changes = {}
    for item in args.changes:
        name, sep, value = item.partition("=")
        if not sep:
            raise BadInput(f"--set takes FIELD=VALUE, not {item!r}")
        if name.strip() == "tactics":
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise BadInput("tactics take JSON, e.g. '{\"Prevent\": [\"Cocooning\"]}'") from None
        changes[name.strip()] = value
    store = ctx.store()
    EditPatp(args.patp, changes, why=args.why, seen=_seen(args, store)).do(store)
    patp = load_patp(store, args.patp)
    return {**_summary(patp), "changed": sorted(changes), "missing": patp.missing_for_submission()}


def _transition(args, ctx: Context) -> dict:
    store = ctx.store()
    PatpTransition(args.patp, args.action, args.comment, decision=getattr(args, "decision", None),
                   meeting_id=getattr(args, "meeting", None), why=args.why, seen=_seen(args, store)).do(store)
    return {**_summary(load_patp(store, args.patp)), "action": args.action}


# -- meetings ---------------------------------------------------------------------

def _meeting_create(args, ctx: Context) -> dict:
    store = ctx.store()
    cmd = CreateMeeting(args.date and period(args.date)[:10], borough=args.borough, chair=args.chair, why=args.why)
    cmd.do(store)
    return _meeting_json(store, require_meeting(store, cmd.meeting_id))


def _meeting_agenda(args, ctx: Context) -> dict:
    store = ctx.store()
    if args.refresh:
        RefreshAgenda(args.meeting).do(store)
    return _meeting_json(store, require_meeting(store, args.meeting))


def _meeting_decide(args, ctx: Context) -> dict:
    store = ctx.store()
    RecordDecision(args.meeting, args.item, args.decision, args.comment, why=args.why).do(store)
    return _meeting_json(store, require_meeting(store, args.meeting))


def _meeting_action(args, ctx: Context) -> dict:
    store = ctx.store()
    patp_id = load_patp(store, args.patp).id if args.patp else None
    cmd = AddAction(args.description, args.owner, period(args.due)[:10], meeting_id=args.meeting, patp_id=patp_id,
                    force=args.force, why=args.why)
    cmd.do(store)
    return {"action": cmd.action_id, "meeting": args.meeting, "patp": patp_id}


def _meeting_action_status(args, ctx: Context) -> dict:
    SetActionStatus(args.action, args.status, args.note, why=args.why).do(ctx.store())
    return {"action": args.action, "status": args.status}


def _meeting_list(args, ctx: Context) -> dict:
    return {"meetings": db.list_meetings(ctx.store())}


def _meeting_json(store, meeting: dict) -> dict:
    out = {key: meeting[key] for key in ("id", "held_on", "period_from", "period_to", "borough", "chair",
                                         "decisions", "actions")}
    return {**out, "agenda": live_agenda(store, meeting)}


# -- results and packs ------------------------------------------------------------

def _results(args, ctx: Context) -> dict:
    patp = load_patp(ctx.store(), args.patp)
    result = analyse_patp(ctx.store(), patp, weeks=args.weeks)
    out = {"patp": patp.reference, **result.as_json()}
    if args.chart:
        out["chart"] = str(export_results_chart(ctx.store(), patp, result, args.chart, force=args.force))
    return out


def _options(args) -> tuple[tuple[str, ...], PackOptions]:
    formats = tuple(dict.fromkeys(args.format)) if args.format else ("pdf", "docx")
    return formats, PackOptions(include_victim_details=args.include_victim_details, destination=args.destination,
                                accept_conditions=args.accept_conditions)


def _pack(args, ctx: Context) -> dict:
    formats, options = _options(args)
    files = export_patp_pack(ctx.store(), args.patp, Path(args.out), formats=formats, options=options,
                             progress=ctx.progress, force=args.force)
    return {"files": [str(f) for f in files]}


def _pack_meeting(args, ctx: Context) -> dict:
    formats, options = _options(args)
    files = export_meeting_pack(ctx.store(), args.meeting, Path(args.out), formats=formats, options=options,
                                progress=ctx.progress, force=args.force)
    return {"files": [str(f) for f in files]}


# -- returns ----------------------------------------------------------------------

def _returns_export(args, ctx: Context) -> dict:
    start = date.fromisoformat(period(args.date_from)[:10])
    end = date.fromisoformat(period(args.date_to, end=True)[:10]) - timedelta(days=1)
    return write_return(ctx.store(), args.borough, start, end, args.out, force=args.force)


def _returns_import(args, ctx: Context) -> dict:
    return import_returns(ctx.store(), args.files)


def _returns_list(args, ctx: Context) -> dict:
    store = ctx.store()
    return {"returns": db.list_returns(store), **cross_border_links(store)}
