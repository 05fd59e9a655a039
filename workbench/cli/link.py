"""``workbench link ...`` (linked-offence analysis) and ``workbench series ...`` (the
analyst's confirmed series)."""

from __future__ import annotations

from workbench.cli.common import Context, add_force, add_group
from workbench.errors import BadInput, NotFound
from workbench.linkage import decisions as cmd
from workbench.linkage import service
from workbench.linkage.series import MAX_SERIES_SIZE, MIN_SCORE, MIN_SERIES_SIZE
from workbench.people.suspects import extend_link_suspects
from workbench.store import linkage as db
from workbench.store.offences import offence_refs

ORDER = 40


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "link", "linked-offence analysis: suggest links, find series, train, evaluate", parent)

    p = group.add_parser("evaluate", parents=[parent], help="cross-validate the linkage model on solved offences",
                         description="K-fold cross-validation grouped by offender (no offender is in both "
                                     "training and test): AUC, true-positive rate at 5% false positives, "
                                     "top-10 hit rate and average precision, overall and per crime group.")
    p.add_argument("--category", action="append", metavar="C", help="only these categories (repeatable)")
    p.add_argument("--folds", type=int, default=5, metavar="K", help="number of folds (default 5)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed for the folds (default 0)")
    coarse(p)
    p.set_defaults(handler=_evaluate, text=_evaluate_text)

    p = group.add_parser("suggest", parents=[parent], help="offences most likely linked to one offence",
                         description="Rank the offences most likely committed by the same offender as REF, "
                                     "with the reasons for each score, and the best-matching confirmed series. "
                                     "Rejected links are never suggested.")
    p.add_argument("ref", metavar="REF", help="offence reference")
    p.add_argument("--top", type=int, default=10, metavar="K", help="how many candidates (default 10)")
    coarse(p)
    p.set_defaults(handler=_suggest, text=_suggest_text)

    p = group.add_parser("suspects", parents=[parent], help="known offenders ranked for an unsolved offence",
                         description="Rank known offenders (from solved offences) by how well their offences "
                                     "match REF, with the reasons of each one's best match; with --evaluate, "
                                     "measure the ranking by leave-one-out over solved offences whose offender "
                                     "has another solved offence (top-1 and top-10 rates).")
    p.add_argument("ref", nargs="?", metavar="REF", help="offence reference (not with --evaluate)")
    p.add_argument("--top", type=int, default=10, metavar="K", help="how many suspects (default 10)")
    p.add_argument("--evaluate", action="store_true", help="leave-one-out evaluation instead of one offence")
    p.add_argument("--category", action="append", metavar="C", help="with --evaluate: only these categories")
    coarse(p)
    p.set_defaults(handler=_suspects, text=_suspects_text)

    p = group.add_parser("series", parents=[parent], help="confirmed and candidate series",
                         description="Confirmed series, then candidate series found in the link graph "
                                     "(links scored at least --min-score), strongest and most recent first, "
                                     "with time span, geography, common MO and a risk indicator.")
    p.add_argument("--category", action="append", metavar="C", help="only these categories (repeatable)")
    p.add_argument("--min-score", type=float, default=MIN_SCORE, metavar="P",
                   help=f"lowest link score in a series (default {MIN_SCORE})")
    p.add_argument("--max-size", type=int, default=MAX_SERIES_SIZE, metavar="N",
                   help=f"split candidate series larger than this into communities (default {MAX_SERIES_SIZE})")
    p.add_argument("--min-size", type=int, default=MIN_SERIES_SIZE, metavar="N",
                   help=f"list candidate series of at least N offences (default {MIN_SERIES_SIZE})")
    coarse(p)
    p.set_defaults(handler=_series, text=_series_text)

    p = group.add_parser("train", parents=[parent], help="train the linkage model of each crime group",
                         description="Train a model per crime group on solved offences and analyst decisions, "
                                     "comparing logistic regression and gradient boosting and keeping the better; "
                                     "groups with too few solved offences get the documented default model.")
    p.add_argument("--category", action="append", metavar="C", help="only the crime groups of these categories")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    coarse(p)
    p.set_defaults(handler=_train, text=_train_text)

    for name, verb in (("confirm", "confirmed"), ("reject", "rejected")):
        p = group.add_parser(name, parents=[parent], help=f"record that two offences are {verb} as linked"
                             if name == "confirm" else "record that two offences are not linked (never suggested again)",
                             description="Record the analyst's decision that REF1 and REF2 are "
                                         f"{'' if name == 'confirm' else 'not '}the work of one offender, "
                                         "with why; audited and used when retraining.")
        p.add_argument("ref1", metavar="REF1", help="one offence reference")
        p.add_argument("ref2", metavar="REF2", help="the other offence reference")
        p.add_argument("--why", required=True, help="the reason, for the audit log")
        p.add_argument("--seen-version", type=int, metavar="N",
                       help="the version of the pair's decision you looked at (0: none; `link decisions` "
                            "lists them; default: the one standing when the command starts): if someone "
                            "else has decided since, nothing is saved and the conflict is reported")
        p.set_defaults(handler=_decide, decision=verb)

    p = group.add_parser("decisions", parents=[parent], help="list confirmed and rejected links",
                         description="Every link decision with who, when and why.")
    p.set_defaults(handler=_decisions)

    p = group.add_parser("cca", parents=[parent], help="comparative case analysis matrix as CSV and image",
                         description="Offences x features (when, where, each MO domain, victim, suspect) for "
                                     "the given offences or a confirmed series; written as CSV and, with "
                                     "--image, as a PNG (or PDF/SVG by extension).")
    p.add_argument("refs", nargs="*", metavar="REF", help="offence references")
    p.add_argument("--series", metavar="ID", help="a confirmed series instead of references")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV to write")
    p.add_argument("--image", metavar="FILE.png", help="also draw the matrix to this image")
    add_force(p)
    p.set_defaults(handler=_cca)

    _register_series(subparsers, parent)


def coarse(p) -> None:
    """The option to link police.uk and month-only records too."""
    p.add_argument("--include-coarse", action="store_true",
                   help="include police.uk and month-only records (left out by default: their place or time "
                        "is too coarse to link)")


def _register_series(subparsers, parent) -> None:
    group = add_group(subparsers, "series", "manage confirmed series: create, add, remove, merge, split, name", parent)

    def why(p):
        p.add_argument("--why", help="the reason, for the audit log")

    p = group.add_parser("list", parents=[parent], help="list confirmed series",
                         description="Every confirmed series with its offences.")
    p.set_defaults(handler=_series_list)
    p = group.add_parser("show", parents=[parent], help="one confirmed series",
                         description="A confirmed series: name, notes, offences.")
    p.add_argument("series_id", metavar="ID", help='the series id (see `series list`)')
    p.set_defaults(handler=_series_show)
    p = group.add_parser("create", parents=[parent], help="create a series from offences",
                         description="Create a confirmed series of the given offences.")
    p.add_argument("refs", nargs="+", metavar="REF", help='offence references')
    p.add_argument("--name", required=True, help="the series' name, shown in lists, PATPs and returns")
    p.add_argument("--notes", default="", help="the analyst's notes on the series")
    why(p)
    p.set_defaults(handler=_series_create)
    for name, helptext in (("add", "add offences to a series"), ("remove", "remove offences from a series")):
        p = group.add_parser(name, parents=[parent], help=helptext, description=helptext.capitalize() + ".")
        p.add_argument("series_id", metavar="ID", help='the series id (see `series list`)')
        p.add_argument("refs", nargs="+", metavar="REF", help='offence references')
        why(p)
        p.set_defaults(handler=_series_members, action=name)
    p = group.add_parser("merge", parents=[parent], help="merge series into the first",
                         description="Move every offence of the other series into the first and delete them.")
    p.add_argument("series_ids", nargs="+", metavar="ID", help='series ids; the others merge into the first')
    why(p)
    p.set_defaults(handler=_series_merge)
    p = group.add_parser("split", parents=[parent], help="split offences off into a new series",
                         description="Move the given offences of a series into a new series.")
    p.add_argument("series_id", metavar="ID", help='the series id (see `series list`)')
    p.add_argument("refs", nargs="+", metavar="REF", help='offence references')
    p.add_argument("--name", required=True, help="name of the new series")
    why(p)
    p.set_defaults(handler=_series_split)
    p = group.add_parser("name", parents=[parent], help="name or annotate a series",
                         description="Change a series' name and/or notes.")
    p.add_argument("series_id", metavar="ID", help='the series id (see `series list`)')
    p.add_argument("--name", help='a new name')
    p.add_argument("--notes", help='new notes')
    why(p)
    p.set_defaults(handler=_series_name)


# -- link ---------------------------------------------------------------------------

def _left_out(ctx: Context, result: dict) -> dict:
    if result.get("left_out"):
        ctx.message("note: " + service.coarse_note(result["left_out"]))
    return result


def _evaluate(args, ctx: Context) -> dict:
    return _left_out(ctx, service.evaluate(ctx.store(), categories=args.category, folds=args.folds, seed=args.seed,
                                           include_coarse=args.include_coarse, progress=ctx.progress))


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _evaluate_text(r: dict) -> str:
    lines = [f"{r['pairs']:,} pairs, {r['linked_pairs']:,} linked ({r['folds']}-fold, grouped by offender)",
             f"AUC {_fmt(r['auc'])}; TPR at 5% FPR {_fmt(r['tpr_at_5pct_fpr'])}; top-10 hit rate "
             f"{_fmt(r['top10_hit_rate'])}; average precision {_fmt(r['average_precision'])}"]
    for group, g in r["groups"].items():
        if g.get("auc") is None:
            lines.append(f"  {group}: {g.get('note', 'nothing to evaluate')}")
            continue
        lines.append(f"  {group} ({g['model']}): AUC {_fmt(g['auc'])}, TPR@5% {_fmt(g['tpr_at_5pct_fpr'])}, "
                     f"top-10 {_fmt(g['top10_hit_rate'])}, AP {_fmt(g['average_precision'])}, "
                     f"{g['linked_pairs']:,} linked of {g['pairs']:,} pairs")
        b = g.get("blocking")
        if b:
            lines.append(f"    search window {b['radius_m']:,} m / {b['days']:g} days (learned from "
                         f"{b['learned_from']:,} linked pairs), finds {_fmt(b['expected_recall'])} of them"
                         + (f"; a first stage chose the pairs scored (keeps {_fmt(b['first_stage_keeps'])} of "
                            "those in the window" + (", narrowed to stay within the budget)" if b["narrowed"] else ")")
                            if b["first_stage"] else ""))
        if g.get("note"):
            lines.append(f"    note: {g['note']}")
    return "\n".join(lines)


def _suggest(args, ctx: Context) -> dict:
    if args.top < 1:
        raise BadInput("--top must be at least 1")
    result = service.suggest(ctx.store(), args.ref, top=args.top, include_coarse=args.include_coarse,
                             progress=ctx.progress)
    if result["default_model"]:
        ctx.message(f"note: scored with the {result['model']}")
    return result


def _suggest_text(r: dict) -> str:
    lines = [f"Offences most likely linked to {r['offence']} ({r['model']}):"]
    for c in r["candidates"]:
        mark = f" [{c['decision']}]" if c["decision"] else ""
        lines.append(f"  {c['score']:.2f}  {c['offence']} ({c['category']}){mark}: {c['reasons']['summary']}")
    if not r["candidates"]:
        lines.append("  none within the search window")
    if r["series"]:
        s = r["series"]
        lines.append(f"Best-matching series: {s['id']} {s['name']} (score {s['score']:.2f}, {s['size']} offences)")
    return "\n".join(lines)


def _suspects(args, ctx: Context) -> dict:
    if args.evaluate:
        if args.ref:
            raise BadInput("give an offence reference or --evaluate, not both")
        return _left_out(ctx, service.evaluate_suspects(ctx.store(), categories=args.category,
                                                        include_coarse=args.include_coarse, progress=ctx.progress))
    if not args.ref:
        raise BadInput("give an offence reference (or --evaluate)")
    if args.category:
        raise BadInput("--category goes with --evaluate")
    if args.top < 1:
        raise BadInput("--top must be at least 1")
    result = service.suspects_for(ctx.store(), args.ref, top=args.top, include_coarse=args.include_coarse)
    if result["default_model"]:
        ctx.message(f"note: scored with the {result['model']}")
    return extend_link_suspects(ctx.store(), result, top=args.top)


def _suspects_text(r: dict) -> str:
    if "top1" in r:
        lines = [f"Leave-one-out over {r['offences']:,} solved offences: true offender ranked first "
                 f"{_fmt(r['top1'])}, in the top 10 {_fmt(r['top10'])}"]
        for group, g in r["groups"].items():
            lines.append(f"  {group}: {g['offences']:,} offences, {g['offenders']:,} known offenders, "
                         f"top-1 {_fmt(g['top1'])}, top-10 {_fmt(g['top10'])}")
        return "\n".join(lines)
    lines = [f"Known offenders for {r['offence']} ({r['model']}):"]
    for s in r["suspects"]:
        lines.append(f"  {s['score']:.2f}  {s['offender']}: best match {s['best_match']} "
                     f"({s['reasons'].get('summary', '')}); {len(s['offences'])} offence(s) scored"
                     + (f"; nominal: {', '.join(s['nominal']['flags'])}" if s.get("nominal") else ""))
    if not r["suspects"]:
        lines.append("  no known offender has an offence of this kind within a year of it")
    lines.append("Nominals (people suspects: distance from home, description, history, flags):")
    lines += [f"  {n['score']:.2f}  {n['nominal']} ({', '.join(n['flags'])}): {n['reasons']['summary']}"
              for n in r["nominals"]] or ["  no nominal lives near enough or fits the description"]
    return "\n".join(lines)


def _series(args, ctx: Context) -> dict:
    return _left_out(ctx, service.series(ctx.store(), categories=args.category, min_score=args.min_score,
                                         max_size=args.max_size, min_size=args.min_size,
                                         include_coarse=args.include_coarse, progress=ctx.progress))


def _series_text(r: dict) -> str:
    lines = [f"{len(r['series'])} series (links scored >= {r['min_score']}, at least {r['min_size']} offences; "
             f"{r['smaller_left_out']:,} smaller left out):"]
    for s in r["series"][:100]:
        label = f"{s['id']} {s['name']}".strip()
        risk = f", risk {s['risk']}" + (f" ({'; '.join(s['risk_reasons'])})" if s["risk_reasons"] else "")
        lines.append(f"  {label}: {s['size']} offences, score {s['score']:.2f}, {s['first'][:10]} to "
                     f"{s['last'][:10]}, within {s['radius_m']:,} m{risk}")
        lines.append(f"    {', '.join(s['offences'][:12])}{' ...' if s['size'] > 12 else ''}")
    for group, note in r["models"].items():
        if note.startswith("default"):
            lines.append(f"note: {group} scored with the {note}")
    return "\n".join(lines)


def _train(args, ctx: Context) -> dict:
    groups = service.groups_of(args.category)
    return service.train(ctx.store(), groups=groups, seed=args.seed, include_coarse=args.include_coarse,
                         progress=ctx.progress)


def _train_text(r: dict) -> str:
    lines = []
    for group, m in r["models"].items():
        if m["default_model"]:
            lines.append(f"{group}: default model ({m['note']})")
        else:
            compared = ", ".join(f"{k} AUC {_fmt(v['auc'])}" for k, v in m["compared"].items())
            lines.append(f"{group}: {m['method']} kept ({compared}); {m['linked_pairs']:,} linked of {m['pairs']:,} pairs")
    return "\n".join(lines) or "No offences to train on."


def _pair(ctx: Context, ref1: str, ref2: str) -> tuple[int, int]:
    store = ctx.store()
    return service.resolve(store, ref1), service.resolve(store, ref2)


def _decide(args, ctx: Context) -> dict:
    a, b = _pair(ctx, args.ref1, args.ref2)
    store = ctx.store()
    seen = args.seen_version if args.seen_version is not None else db.decision_version(store, a, b)
    decide = cmd.DecideLink(a, b, args.decision, why=args.why, seen=seen)
    decide.do(store)
    return {"offences": [args.ref1, args.ref2], "decision": args.decision, "why": args.why,
            "version": decide.written}


def _decisions(args, ctx: Context) -> dict:
    frame = db.load_decisions(ctx.store())
    return {"decisions": [{"offences": [a, b], "decision": d, "why": w, "user": u, "at": t, "version": int(v)}
                          for a, b, d, w, u, t, v in zip(frame["ref_a"], frame["ref_b"], frame["decision"],
                                                         frame["why"], frame["user"], frame["at"],
                                                         frame["version"])]}


def _series_id(text: str) -> int:
    value = str(text).strip().upper().removeprefix("S")
    if not value.isdigit():
        raise BadInput(f"{text!r} is not a confirmed series id (e.g. S3 or 3)")
    return int(value)


def _cca(args, ctx: Context) -> dict:
    store = ctx.store()
    if args.series:
        found = db.get_series(store, _series_id(args.series))
        if found is None:
            raise NotFound(f"no series {args.series}")
        ids, title = found["offence_ids"], f"Series S{found['id']}: {found['name']}"
    else:
        if not args.refs:
            raise BadInput("give offence references or --series")
        ids, title = [service.resolve(store, r) for r in args.refs], "Comparative case analysis"
    return service.export_cca(store, ids, title=title, csv=args.out, image=args.image, force=args.force)


# -- series -------------------------------------------------------------------------

def _series_json(store, series_id: int) -> dict:
    found = db.get_series(store, series_id)
    if found is None:
        raise NotFound(f"no series {series_id}")
    refs = offence_refs(store, found["offence_ids"])
    return {"id": f"S{found['id']}", "name": found["name"], "notes": found["notes"],
            "created_at": found["created_at"], "created_by": found["created_by"], "offences": refs}


def _series_list(args, ctx: Context) -> dict:
    store = ctx.store()
    return {"series": [_series_json(store, s["id"]) for s in db.list_series(store)]}


def _series_show(args, ctx: Context) -> dict:
    return _series_json(ctx.store(), _series_id(args.series_id))


def _refs(ctx: Context, refs) -> list[int]:
    return [service.resolve(ctx.store(), r) for r in refs]


def _series_create(args, ctx: Context) -> dict:
    command = cmd.CreateSeries(_refs(ctx, args.refs), args.name, args.notes, why=args.why)
    command.do(ctx.store())
    return _series_json(ctx.store(), command.series_id)


def _series_members(args, ctx: Context) -> dict:
    kind = cmd.AddToSeries if args.action == "add" else cmd.RemoveFromSeries
    sid = _series_id(args.series_id)
    kind(sid, _refs(ctx, args.refs), why=args.why).do(ctx.store())
    return _series_json(ctx.store(), sid)


def _series_merge(args, ctx: Context) -> dict:
    ids = [_series_id(s) for s in args.series_ids]
    if len(ids) < 2:
        raise BadInput("name the series to keep and at least one to merge into it")
    cmd.MergeSeries(ids[0], ids[1:], why=args.why).do(ctx.store())
    return _series_json(ctx.store(), ids[0])


def _series_split(args, ctx: Context) -> dict:
    command = cmd.SplitSeries(_series_id(args.series_id), _refs(ctx, args.refs), args.name, why=args.why)
    command.do(ctx.store())
    return {"series": [_series_json(ctx.store(), command.series_id), _series_json(ctx.store(), command.new_id)]}


def _series_name(args, ctx: Context) -> dict:
    if args.name is None and args.notes is None:
        raise BadInput("give --name and/or --notes")
    sid = _series_id(args.series_id)
    cmd.NameSeries(sid, args.name, args.notes, why=args.why).do(ctx.store())
    return _series_json(ctx.store(), sid)
