"""``workbench intel ...`` (search, show, export intelligence), ``workbench person ...``
(nominal page, subject profile) and ``workbench network ...`` (the link chart: expand,
paths, measures, communities, export)."""

from __future__ import annotations

from workbench.cli.common import Context, add_force, add_group
from workbench.cli.people import management_lines
from workbench.domain.grading import DESTINATIONS, Grade
from workbench.errors import BadInput, NotFound
from workbench.intel.handling import export_reports
from workbench.intel.search import decorate, search_reports
from workbench.network import communities, measures, paths
from workbench.network.chart_export import FORMATS as CHART_FORMATS
from workbench.network.chart_export import export_chart
from workbench.network.graph import STEPS, build_graph, edge_table, expand, node_table, resolve
from workbench.network.person import person_page, write_profile
from workbench.store.intel import find_report, report_detail

ORDER = 70
#: Exact closeness and betweenness take minutes beyond this many entities.
MAX_MEASURED = 5000


def _search_options(p) -> None:
    p.add_argument("query", nargs="?", metavar="TEXT",
                   help='words that must all occur; "quoted phrase", word*, a OR b')
    p.add_argument("--from", dest="date_from", metavar="D", help="recorded on or after this date")
    p.add_argument("--to", dest="date_to", metavar="D", help="recorded on or before this date (a month: all of it)")
    p.add_argument("--grading", action="append", metavar="G",
                   help="3x5x2, 5x5x5 or an evaluation such as 1A or B2 (repeatable: any)")
    p.add_argument("--entity", action="append", metavar="E",
                   help="a person, VRM, phone or postcode the report mentions (repeatable: all)")
    p.add_argument("--handling", action="append", metavar="H", help="handling code P, C or 1-5 (repeatable)")
    p.add_argument("--borough", action="append", metavar="B", help="borough (repeatable)")


def _destination_options(p) -> None:
    p.add_argument("--destination", required=True, choices=list(DESTINATIONS),
                   help="who receives it; handling codes decide which report texts may go there")
    p.add_argument("--accept-conditions", action="store_true",
                   help="accept the recorded conditions of 3x5x2 C reports (they travel with the text)")
    p.add_argument("--why", help="the reason, for the audit log")


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "intel", "search, show and export intelligence reports", parent)
    p = group.add_parser("search", parents=[parent], help="full-text search of intelligence with filters",
                         description="Search report text, location and entities; combine with date, "
                                     "grading, entity, handling and borough filters. Best match first.")
    _search_options(p)
    p.add_argument("--limit", type=int, default=100, metavar="N", help="at most N reports (default 100)")
    p.set_defaults(handler=_search, text=_search_text)

    p = group.add_parser("show", parents=[parent], help="one report with its entities and offences",
                         description="A report: grade in words, handling, text, entities and related offences.")
    p.add_argument("ref", metavar="REF", help="intelligence reference")
    p.set_defaults(handler=_show)

    p = group.add_parser("export", parents=[parent], help="export reports for a destination, enforcing handling",
                         description="Write matching reports to CSV or JSON for a destination. A report's text "
                                     "is written only where its handling code permits; the rest are listed as "
                                     "withheld with the reason. Audited.")
    _search_options(p)
    _destination_options(p)
    p.add_argument("--out", required=True, metavar="FILE", help=".csv or .json")
    add_force(p)
    p.set_defaults(handler=_export)

    group = add_group(subparsers, "person", "a person's page and subject profile", parent)
    p = group.add_parser("show", parents=[parent], help="everything known about one person",
                         description="Offences (offender or suspect), intelligence, associates, vehicles, "
                                     "phones, locations, series, first and last activity.")
    p.add_argument("person", metavar="ID", help="person identifier (as in offender_ids)")
    p.set_defaults(handler=_person_show, text=_person_text)
    p = group.add_parser("profile", parents=[parent], help="write a subject profile (.docx)",
                         description="Write a Word subject profile carrying the security marking; intelligence "
                                     "text only where its handling code permits the destination. Audited.")
    p.add_argument("person", metavar="ID", help="the person's id (offender, intelligence subject or nominal reference)")
    p.add_argument("--out", required=True, metavar="FILE.docx", help='the Word file to write')
    p.add_argument("--destination", default="internal", choices=list(DESTINATIONS),
                   help="who receives the profile (default internal)")
    p.add_argument("--accept-conditions", action="store_true", help="accept 3x5x2 C conditions")
    add_force(p)
    p.add_argument("--why", help="the reason, for the audit log")
    p.set_defaults(handler=_person_profile)

    _register_network(subparsers, parent)


def _register_network(subparsers, parent) -> None:
    group = add_group(subparsers, "network", "link chart: expand, paths, measures, communities, export", parent)
    p = group.add_parser("expand", parents=[parent], help="the chart within N links of an entity",
                         description="Entities and links within N steps of ENTITY (person id, VRM, phone, "
                                     "postcode, offence or intelligence reference, or kind:value).")
    p.add_argument("entity", metavar="ENTITY", help='a person id, VRM, phone, postcode, offence or intelligence reference')
    p.add_argument("--steps", type=int, default=STEPS, metavar="N", help=f"number of links to follow (default {STEPS})")
    p.set_defaults(handler=_expand, text=_chart_text)

    p = group.add_parser("path", parents=[parent], help="shortest paths between two entities",
                         description="How A is connected to B: every shortest path, step by step.")
    p.add_argument("a", metavar="A", help='the first entity')
    p.add_argument("b", metavar="B", help='the second entity')
    p.set_defaults(handler=_path, text=_path_text)

    p = group.add_parser("measures", parents=[parent], help="degree, betweenness, closeness, eigenvector",
                         description="The social network measures of every entity (or of the chart around "
                                     "--entity), highest betweenness first.")
    _scope_options(p)
    p.add_argument("--top", type=int, default=20, metavar="N", help="at most N rows (default 20)")
    p.set_defaults(handler=_measures, text=_measures_text)

    p = group.add_parser("communities", parents=[parent], help="groups of closely linked entities",
                         description="Louvain communities of the chart (seeded), largest first.")
    _scope_options(p)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(handler=_communities)

    p = group.add_parser("export", parents=[parent], help="export the chart as i2 ANX, GraphML or PNG",
                         description="Write the chart (or the part around --entity) with its measures as "
                                     "i2 Analyst's Notebook ANX, GraphML or a PNG picture, released for "
                                     "--destination and carrying its security marking. Audited.")
    _scope_options(p)
    p.add_argument("--format", required=True, choices=list(CHART_FORMATS), help='i2 ANX, GraphML or a PNG picture')
    p.add_argument("--out", required=True, metavar="FILE", help='the file to write')
    p.add_argument("--destination", default="internal", choices=list(DESTINATIONS),
                   help="who receives the chart (default internal); only what its reports' handling codes "
                        "permit there is drawn")
    p.add_argument("--accept-conditions", action="store_true", help="accept 3x5x2 C conditions")
    p.add_argument("--why", help="the reason, for the audit log")
    add_force(p)
    p.set_defaults(handler=_network_export)


def _scope_options(p) -> None:
    p.add_argument("--entity", metavar="ENTITY", help="only the chart around this entity")
    p.add_argument("--steps", type=int, default=STEPS, metavar="N",
                   help=f"links to follow from --entity (default {STEPS})")


# -- intelligence ---------------------------------------------------------------------

def _find(args, ctx: Context, limit: int | None = None) -> list[dict]:
    return search_reports(ctx.store(), args.query, date_from=args.date_from, date_to=args.date_to,
                          grading=args.grading, entity=args.entity, handling=args.handling,
                          borough=args.borough, limit=limit)


_BRIEF = ("intel_ref", "recorded_at", "grading", "grade", "badge", "handling_conditions", "security_marking",
          "borough", "location_desc", "text")


def _search(args, ctx: Context) -> dict:
    reports = _find(args, ctx, args.limit)
    rows = [{k: r.get(k) for k in _BRIEF + (("snippet",) if args.query else ())} for r in reports]
    return {"count": len(rows), "reports": rows}


def _search_text(result: dict) -> str:
    if not result["reports"]:
        return "No intelligence matches."
    return "\n".join(f"{r['intel_ref']}  {r['recorded_at'][:10]}  {r['grading']} {r['grade']:<5}  "
                     f"{(r.get('snippet') or r['text'])[:90]}" for r in result["reports"])


def _show(args, ctx: Context) -> dict:
    store = ctx.store()
    found = find_report(store, args.ref)
    if found is None:
        raise NotFound(f"no intelligence report {args.ref!r}")
    detail = decorate(report_detail(store, found))
    detail["grade_words"] = Grade(detail["grading"], detail["source_eval"], detail["intel_eval"],
                                  detail["handling"], detail["handling_conditions"]).describe()
    return {"report": detail}


def _export(args, ctx: Context) -> dict:
    reports = _find(args, ctx)
    result = export_reports(ctx.store(), reports, args.destination, args.out,
                            accept_conditions=args.accept_conditions, why=args.why, force=args.force)
    return {"out": args.out, **result.as_json()}


# -- people ---------------------------------------------------------------------------

def _person_show(args, ctx: Context) -> dict:
    return person_page(ctx.store(), args.person)


def _person_text(page: dict) -> str:
    c = page["counts"]
    active = (f"; active {page['first_activity']} to {page['last_activity']}" if page["first_activity"] else "")
    lines = [f"{page['person']}: {c['offences']} offences, {c['intelligence']} intelligence reports, "
             f"{c['associates']} associates{active}"]
    lines += [f"  associate {a['person']}: {a['co_offences']} offences, {a['co_mentions']} reports together"
              for a in page["associates"][:10]]
    lines += [f"  vehicle {v['value']} ({v['reports']} reports)" for v in page["vehicles"]]
    lines += [f"  phone {p['value']} ({p['reports']} reports)" for p in page["phones"]]
    if page["series"]:
        lines.append("  series: " + ", ".join(page["series"]))
    lines += management_lines(page)
    return "\n".join(lines)


def _person_profile(args, ctx: Context) -> dict:
    return write_profile(ctx.store(), args.person, args.out, destination=args.destination,
                         accept_conditions=args.accept_conditions, why=args.why, force=args.force)


# -- network --------------------------------------------------------------------------

def _chart(args, ctx: Context):
    """The whole link chart, or the part within ``--steps`` of ``--entity``."""
    store = ctx.store()
    graph = build_graph(store)
    entity = getattr(args, "entity", None)
    if entity:
        graph = expand(graph, [resolve(store, graph, entity)], args.steps)
    return store, graph


def _measured_chart(args, ctx: Context):
    """The chart to measure, refusing one too large to measure exactly in seconds."""
    store, graph = _chart(args, ctx)
    _check_measurable(graph)
    return store, graph


def _check_measurable(graph) -> None:
    if graph.number_of_nodes() > MAX_MEASURED:
        raise BadInput(f"the chart has {graph.number_of_nodes():,} entities (more than {MAX_MEASURED:,} take too long "
                       "to measure): give --entity and --steps to work on part of it")


def _expand(args, ctx: Context) -> dict:
    store, graph = _chart(args, ctx)
    return {"entity": resolve(store, graph, args.entity), "steps": args.steps,
            "nodes": node_table(graph), "edges": edge_table(graph)}


def _chart_text(result: dict) -> str:
    lines = [f"{len(result['nodes'])} entities and {len(result['edges'])} links within "
             f"{result['steps']} step(s) of {result['entity']}"]
    lines += [f"  {n['kind']:<8} {n['label']}  ({n['degree']} links)" for n in result["nodes"]]
    return "\n".join(lines)


def _path(args, ctx: Context) -> dict:
    store = ctx.store()
    graph = build_graph(store)
    a, b = resolve(store, graph, args.a), resolve(store, graph, args.b)
    found = paths.shortest_paths(graph, a, b)
    return {"from": a, "to": b, "length": len(found[0]) - 1,
            "paths": [{"nodes": p, "steps": paths.describe(graph, p)} for p in found]}


def _path_text(result: dict) -> str:
    lines = [f"{result['from']} to {result['to']}: {result['length']} link(s)"]
    for i, p in enumerate(result["paths"], 1):
        lines.append(f"  path {i}: " + " ; ".join(f"{s['from']} -[{s['relation']}]- {s['to']}" for s in p["steps"]))
    return "\n".join(lines)


def _measures(args, ctx: Context) -> dict:
    _, graph = _measured_chart(args, ctx)
    table = measures.compute(graph).head(args.top).reset_index()
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "measures": table.to_dict("records")}


def _measures_text(result: dict) -> str:
    lines = [f"{result['nodes']} entities, {result['edges']} links",
             f"{'entity':<28} {'degree':>6} {'betweenness':>11} {'closeness':>9} {'eigenvector':>11}"]
    lines += [f"{m['node'][:28]:<28} {m['degree']:>6} {m['betweenness']:>11.4f} {m['closeness']:>9.4f} "
              f"{m['eigenvector']:>11.4f}" for m in result["measures"]]
    return "\n".join(lines)


def _communities(args, ctx: Context) -> dict:
    _, graph = _measured_chart(args, ctx)
    return communities.detect(graph, seed=args.seed).as_json(graph)


def _network_export(args, ctx: Context) -> dict:
    store = ctx.store()
    graph = build_graph(store)
    if graph.number_of_nodes() == 0:
        raise BadInput("the link chart is empty: import offences with offender_ids or intelligence first")
    focus = (resolve(store, graph, args.entity), args.steps) if args.entity else None
    _check_measurable(expand(graph, [focus[0]], focus[1]) if focus else graph)
    return export_chart(store, graph, args.format, args.out, destination=args.destination,
                        accept_conditions=args.accept_conditions, focus=focus,
                        title=f"Link chart{' around ' + args.entity if args.entity else ''}", why=args.why,
                        force=args.force)
