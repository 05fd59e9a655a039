"""``workbench streets find TEXT`` (the offline street finder) and ``workbench streets
build`` (street-name labels from police.uk locations)."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.errors import NotFound

ORDER = 52


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "streets", "find a street by name; build street labels from police.uk", parent)
    p = group.add_parser("find", parents=[parent], help="find a street by name (offline)",
                         description="Find streets by name among the imported basemap's named roads and the "
                                     "street labels built from police.uk locations: exact names first, then "
                                     "names starting with or containing the text, then close spellings. Case, "
                                     "'go to' and abbreviations (Rd, St, Ave) do not matter.")
    p.add_argument("words", nargs="+", metavar="TEXT", help="the street, e.g. Holloway Road")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most this many streets (default 10)")
    p.set_defaults(handler=_find, text=_find_text)
    p = group.add_parser("build", parents=[parent], help="street-name labels from police.uk locations",
                         description="Build (or rebuild) a street-name layer from the police.uk offences' "
                                     "'On or near <street>' locations: one label per street and place, at the "
                                     "middle of its points. The Map shows them at large scales and the street "
                                     "finder searches them.")
    p.set_defaults(handler=_build)


def _find(args, ctx: Context) -> dict:
    from workbench.geo.streets import find_streets
    from workbench.store.basemap import named_features

    query = " ".join(args.words)
    found = find_streets(query, named_features(ctx.store()), limit=args.limit)
    if not found:
        raise NotFound(f"no street matches {query!r}: import a basemap (`workbench import basemap`) or build "
                       "street names from police.uk data (`workbench streets build`)")
    return {"query": query, "streets": [s.as_json() for s in found]}


def _find_text(result: dict) -> str:
    return "\n".join(f"{s['name']}: E {s['easting']} N {s['northing']}" for s in result["streets"])


def _build(args, ctx: Context) -> dict:
    from workbench.geo.streets import build_street_labels

    return {"streets": build_street_labels(ctx.store())}
