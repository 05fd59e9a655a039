"""``workbench import offences|intel|police-uk|nominals|missing|boundaries|rejects``."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.ingest.basemap import import_basemap
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.missing_csv import import_missing
from workbench.ingest.nominals_csv import import_nominals
from workbench.ingest.offences_csv import import_offences
from workbench.ingest.police_uk import import_police_uk
from workbench.ingest.population_csv import import_population
from workbench.intel.importer import import_intel
from workbench.store.batches import list_batches, list_rejects

ORDER = 10


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "import", "import offences, intelligence, police.uk files, nominals, missing-person episodes, boundaries or a street map", parent)
    subparsers.choices["import"].set_defaults(creates_store=True)

    p = group.add_parser("offences", parents=[parent], help="import canonical offence CSV file(s)",
                         description="Import force crime records in the canonical offence CSV format "
                                     "(see the user guide). Good rows are imported; every bad row is listed "
                                     "with file, line, column and reason and kept in the store.")
    p.add_argument("files", nargs="+", metavar="FILE.csv", help='the file(s) to import, each one transaction')
    p.add_argument("--source", help="the system the records come from (default: force); the same "
                                    "reference from the same source is the same offence")
    p.set_defaults(handler=_offences, text=_import_text)

    p = group.add_parser("intel", parents=[parent], help="import intelligence CSV file(s)",
                         description="Import graded intelligence reports in the canonical intelligence CSV "
                                     "format (3x5x2 or 5x5x5; see the user guide). Every grade is checked against its "
                                     "own system; bad rows are listed with file, line, column and reason.")
    p.add_argument("files", nargs="+", metavar="FILE.csv", help='the file(s) to import, each one transaction')
    p.add_argument("--source", help="the intelligence system the reports come from (default: force); the "
                                    "same reference from the same source is the same report")
    p.set_defaults(handler=_intel, text=_import_text)

    p = group.add_parser("police-uk", parents=[parent], help="import police.uk street-level crime files",
                         description="Import police.uk street-level crime CSVs (.csv, .csv.gz or the "
                                     ".zip archive police.uk downloads come in).")
    p.add_argument("files", nargs="+", metavar="FILE.csv", help='the file(s) to import, each one transaction')
    p.set_defaults(handler=_police_uk, text=_import_text)

    _file_importer(group, parent, "nominals", import_nominals,
                   help="import nominals (people under management or wanted)",
                   description="Import nominals: registered sex offenders, IOM and PPO nominals, MAPPA "
                               "cases, people on bail or licence and wanted people, with description, home, "
                               "conditions (curfew, exclusion zone) and review date (format in the user "
                               "guide). Bad rows are listed with file, line, column and reason and kept.")
    _file_importer(group, parent, "missing", import_missing, help="import missing-person episodes",
                   description="Import missing-person episodes: who, when reported and found, where last "
                               "seen and found, risk grade, home type and flags (format in the user guide). "
                               "Bad rows are listed with file, line, column and reason and kept.")
    _file_importer(group, parent, "population", import_population, help="import residents per area (for rates)",
                   description="Import residents per area for rates per 1,000 residents in `workbench "
                               "insight taskings`: a CSV with area_code, residents and optionally area_name "
                               "(a borough's or ward's name as its boundary is named). A code imported again "
                               "replaces its earlier figure. Bad rows are listed with file, line, column and "
                               "reason and kept.")

    p = group.add_parser("boundaries", parents=[parent], help="import borough or ward boundaries",
                         description="Import borough or ward polygons from a GeoPackage, GeoJSON or "
                                     "shapefile and assign every offence its borough and ward.")
    p.add_argument("file", metavar="FILE", help='a GeoPackage, GeoJSON or shapefile')
    p.add_argument("--layer", help="the layer of a multi-layer GeoPackage")
    p.add_argument("--level", choices=["borough", "ward"],
                   help="what the polygons are (default: ward if the layer name says so, else borough)")
    p.add_argument("--name-field", help="field holding the area's name (default: detected)")
    p.add_argument("--code-field", help="field holding the area's code (default: detected)")
    p.add_argument("--parent-field", help="for wards, the field holding the borough (default: detected)")
    p.set_defaults(handler=_boundaries)

    p = group.add_parser("basemap", parents=[parent], help="import an offline street map (roads, buildings, water, rail)",
                         description="Import vector street-map layers from a GeoPackage your force holds under "
                                     "its own licence: roads (with names), buildings, water and rail. The Map draws "
                                     "them under the offences, labels streets at large scales and finds streets "
                                     "by name; exported maps carry the attribution. Importing the same file "
                                     "name again replaces it.")
    p.add_argument("file", metavar="FILE.gpkg", help='a GeoPackage of vector layers the force holds under its own licence')
    p.add_argument("--layer", action="append", metavar="NAME[=KIND]",
                   help="a layer to import (repeatable), with its kind (road, building, water, rail) unless "
                        "its name says it; default: every layer whose name says its kind")
    p.add_argument("--attribution", metavar="TEXT",
                   help="the licence line for exported maps, e.g. 'Contains OS data (c) Crown copyright and "
                        "database right 2025' (default: the file's name)")
    p.set_defaults(handler=lambda args, ctx: import_basemap(ctx.store(), args.file, layers=args.layer,
                                                            attribution=args.attribution,
                                                            progress=ctx.progress).as_json())

    p = group.add_parser("rejects", parents=[parent], help="list rejected rows of earlier imports",
                         description="List the rows earlier imports rejected, with file, line, column "
                                     "and reason, so they can be fixed and imported again.")
    p.add_argument("--batch", type=int, help="only this import batch")
    p.add_argument("--limit", type=int, default=1000, help="at most this many rows (default 1000)")
    p.set_defaults(handler=_rejects, text=_rejects_text, creates_store=False)

    p = group.add_parser("history", parents=[parent], help="list import batches",
                         description="List every import batch: file, hash, who, when and counts.")
    p.set_defaults(handler=lambda args, ctx: {"batches": list_batches(ctx.store())}, text=_history_text,
                   creates_store=False)


def _offences(args, ctx: Context) -> dict:
    result = import_offences(ctx.store(), args.files, source=args.source, progress=ctx.progress)
    return result.as_json()


def _intel(args, ctx: Context) -> dict:
    return import_intel(ctx.store(), args.files, source=args.source, progress=ctx.progress).as_json()


def _police_uk(args, ctx: Context) -> dict:
    return import_police_uk(ctx.store(), args.files, progress=ctx.progress).as_json()


def _boundaries(args, ctx: Context) -> dict:
    result = import_boundaries(ctx.store(), args.file, layer=args.layer, level=args.level,
                               name_field=args.name_field, code_field=args.code_field,
                               parent_field=args.parent_field, progress=ctx.progress)
    return {"imported": result.imported, "level": result.level, "layer": result.layer,
            "batch": result.batch, "offences_with_borough": result.offences_assigned}


def _rejects(args, ctx: Context) -> dict:
    return {"rejects": list_rejects(ctx.store(), args.batch, args.limit)}


def _import_text(result: dict) -> str:
    lines = [f"Warning: {w}" for w in result.get("warnings", [])]
    lines += [f"Imported {result['imported']:,} from {result['rows_read']:,} rows "
             f"(batch {result['batch']}); {result['duplicates']:,} duplicates skipped (already in the store "
             f"or repeated in the file); {result['rejected']:,} rejected."]
    for r in result["rejects"]:
        col = f", column {r['column']}" if r["column"] else ""
        lines.append(f"  {r['file']}, line {r['line']}{col}: {r['reason']}")
    if result["rejected"] > len(result["rejects"]):
        lines.append(f"  ... all {result['rejected']:,} are kept: workbench import rejects --batch {result['batch']}")
    return "\n".join(lines)


def _rejects_text(result: dict) -> str:
    rows = result["rejects"]
    if not rows:
        return "No rejected rows."
    return "\n".join(f"batch {r['batch']}: {r['file']}, line {r['line']}"
                     + (f", column {r['column']}" if r["column"] else "") + f": {r['reason']}" for r in rows)


def _history_text(result: dict) -> str:
    batches = result["batches"]
    if not batches:
        return "No imports yet."
    lines = [f"{'batch':>5}  {'when (UTC)':<16}  {'who':<12} {'kind':<10} {'imported':>9} {'dupl.':>7} "
             f"{'rejected':>8}  file"]
    for b in batches:
        lines.append(f"{b['id']:>5}  {b['started_at'][:16].replace('T', ' '):<16}  {b['user'][:12]:<12} "
                     f"{b['kind']:<10} {b['imported']:>9,} {b['duplicates']:>7,} {b['rejected']:>8,}  "
                     f"{b['file_name']} (SHA-256 {b['file_hash'][:12]}…)")
    return "\n".join(lines)


def _file_importer(group, parent, name: str, importer, **texts) -> None:
    """An ``import NAME FILE.csv ...`` command running ``importer(store, files, progress=...)``."""
    p = group.add_parser(name, parents=[parent], **texts)
    p.add_argument("files", nargs="+", metavar="FILE.csv", help="the file(s) to import, each one transaction")
    p.set_defaults(handler=lambda args, ctx: importer(ctx.store(), args.files, progress=ctx.progress).as_json(),
                   text=_import_text)
