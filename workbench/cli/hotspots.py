"""``workbench hotspots`` (KDE or Gi* hotspots, GeoPackage and PNG output) and
``workbench hotspots evaluate`` (PAI, hit rate and area share of one period's hotspots
on the next)."""

from __future__ import annotations

import argparse

import pandas as pd

from workbench.cli.common import Context, add_force, period
from workbench.domain.categories import expand
from workbench.errors import NotFound
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, HOTSPOT_METHODS, KERNEL
from workbench.store import Store
from workbench.store.boundaries import boundaries_frame, study_area
from workbench.store.offences import OffenceFilter, load_frame

ORDER = 50
# The analysis modules (scipy, geopandas, matplotlib) are imported by the handlers, so
# that every other command starts quickly.
KERNELS = ("quartic", "gaussian")


def add_filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    """``--category``, ``--borough`` and (optionally) ``--from``/``--to``."""
    parser.add_argument("--category", action="append", metavar="C",
                        help="offence category (repeatable; burglary includes its kinds)")
    parser.add_argument("--borough", action="append", metavar="NAME",
                        help="only this borough (repeatable); also the study area")
    if dates:
        parser.add_argument("--from", dest="date_from", metavar="D",
                            help="first date or month (2025-03-01 or 2025-03)")
        parser.add_argument("--to", dest="date_to", metavar="D",
                            help="last date or month, included (2025-03 means all of March)")


def load_offences(store: Store, categories, date_from: str | None, date_to: str | None,
                  boroughs) -> pd.DataFrame:
    """Offences for an analysis, checking the categories first (a typo is a clear error)."""
    expand(categories)
    flt = OffenceFilter(categories=categories, date_from=period(date_from),
                        date_to=period(date_to, end=True), boroughs=boroughs)
    return load_frame(store, flt, columns=("offence_ref", "category", "committed_from", "committed_to",
                                           "easting", "northing", "location_desc", "borough", "ward"))


def study(store: Store, boroughs) -> object:
    """The study area: the named boroughs, else all loaded ones (None if none loaded)."""
    area = study_area(store, boroughs)
    if boroughs and area is None:
        raise NotFound(f"no boundary loaded for {', '.join(boroughs)}: "
                       "import boroughs with `workbench import boundaries`")
    return area


def describe_filter(categories, date_from, date_to, boroughs) -> str:
    """One line for map subtitles and messages."""
    what = ", ".join(categories) if categories else "all offences"
    when = f"{date_from or 'start'} to {date_to or 'latest'}"
    where = ", ".join(boroughs) if boroughs else "all loaded boroughs"
    return f"{what}; {when}; {where}"


def register(subparsers, parent) -> None:
    p = subparsers.add_parser(
        "hotspots", parents=[parent], help="find hotspots (KDE or Gi*) and evaluate them",
        description="Where offences are concentrated: a kernel density (KDE) surface or Getis-Ord "
                    "Gi* hot spots on a British National Grid raster, the hotspot polygons (the "
                    "densest --coverage share of the study area), counts by borough and ward and "
                    "repeat locations. Writes a GeoPackage (--out) and a PNG map (--png). "
                    "`workbench hotspots evaluate` measures how well one period's hotspots "
                    "predict the next.")
    add_filter_options(p)
    p.add_argument("--method", choices=HOTSPOT_METHODS, default=HOTSPOT_METHOD,
                   help=f"kde (kernel density) or gi (Getis-Ord Gi*) (default {HOTSPOT_METHOD})")
    p.add_argument("--cell", type=float, metavar="M", help="cell size in metres (default: automatic)")
    p.add_argument("--bandwidth", type=float, metavar="M",
                   help="KDE bandwidth, or the Gi* distance band, in metres (default: automatic)")
    p.add_argument("--kernel", choices=KERNELS, default=KERNEL, help=f"KDE kernel (default {KERNEL})")
    p.add_argument("--coverage", type=float, default=COVERAGE, metavar="SHARE",
                   help=f"hotspots cover at most this share of the study area (default {COVERAGE})")
    p.add_argument("--confidence", type=float, choices=(0.90, 0.95, 0.99), default=CONFIDENCE,
                   help=f"Gi*: hot spots at this confidence after FDR correction (default {CONFIDENCE})")
    p.add_argument("--out", metavar="FILE.gpkg", help="write cells, hotspots and offences as GeoPackage layers")
    p.add_argument("--png", metavar="FILE.png", help="draw a map with boundaries, legend and marking")
    add_force(p)
    p.set_defaults(handler=_hotspots, text=_hotspots_text, help_parser=p)

    sub = p.add_subparsers(dest="hotspots_command", metavar="SUBCOMMAND")
    e = sub.add_parser(
        "evaluate", parents=[parent], help="PAI, hit rate and area share of hotspots on a later period",
        description="Fit hotspots on a training period and count the test period's offences in "
                    "them (Chainey, Tompson & Uhlig 2008): hit rate n/N, area share a/A and "
                    "PAI = hit rate / area share. The study area is the loaded boroughs (all of "
                    "them unless --borough is given).")
    add_filter_options(e, dates=False)
    for name in ("train-from", "train-to", "test-from", "test-to"):
        e.add_argument(f"--{name}", required=True, metavar="D", help=f"{name.replace('-', ' ')} date or month")
    e.add_argument("--method", choices=HOTSPOT_METHODS, default=HOTSPOT_METHOD,
                   help=f"kde or gi (default {HOTSPOT_METHOD})")
    e.add_argument("--cell", type=float, metavar="M", help="cell size in metres (default: automatic)")
    e.add_argument("--bandwidth", type=float, metavar="M", help="bandwidth / distance band in metres")
    e.add_argument("--kernel", choices=KERNELS, default=KERNEL, help=f"KDE kernel (default {KERNEL})")
    e.add_argument("--coverage", type=float, default=COVERAGE, metavar="SHARE",
                   help=f"hotspots cover at most this share of the study area (default {COVERAGE})")
    e.add_argument("--confidence", type=float, choices=(0.90, 0.95, 0.99), default=CONFIDENCE,
                   help=f"Gi*: hot spots at this confidence after FDR correction (default {CONFIDENCE})")
    e.set_defaults(handler=_evaluate, text=_evaluate_text, help_parser=e)


def _hotspots(args, ctx: Context) -> dict:
    from workbench.geo.hotspots import analyse
    from workbench.geo.map_export import export_geopackage

    store = ctx.store()
    frame = load_offences(store, args.category, args.date_from, args.date_to, args.borough)
    clip = study(store, args.borough)
    result = analyse(frame, method=args.method, clip=clip, cell=args.cell, bandwidth=args.bandwidth,
                     kernel=args.kernel, coverage=args.coverage, confidence=args.confidence,
                     progress=ctx.progress)
    for warning in result.warnings:
        ctx.message(f"warning: {warning}")
    surface = result.surface
    out = png = None
    if args.out:
        layers = result.layers()
        layers["repeat_locations"] = _repeat_layer(result.repeats)
        export_geopackage(store, layers, args.out, force=args.force, detail={
            "method": args.method, "filter": describe_filter(args.category, args.date_from, args.date_to, args.borough)})
        out = args.out
    if args.png:
        png = str(_draw(store, args, result))
    width = surface.bandwidth if args.method == "kde" else surface.distance_band
    boroughs = result.counts[result.counts["level"] == "borough"]
    return {
        "cells": int(surface.mask.sum()), "hotspots": len(result.polygons), "out": out, "png": png,
        "method": args.method, "offences": len(result.points),
        "offences_in_hotspots": int(result.points["in_hotspot"].sum()),
        "hotspot_cells": int(result.selected.sum()),
        "hotspot_area_km2": round(float(result.selected.sum()) * surface.grid.cell_area / 1e6, 4),
        "coverage": args.coverage, "cell": surface.cell,
        ("bandwidth" if args.method == "kde" else "distance_band"): width,
        "kernel": args.kernel if args.method == "kde" else None,
        "grid": surface.grid.describe(),
        "by_borough": dict(zip(boroughs["name"], boroughs["offences"].astype(int).tolist())),
        "repeat_locations": [
            {"rank": int(r.rank), "location": r.location, "offences": int(r.offences),
             "easting": r.easting, "northing": r.northing}
            for r in result.repeats.head(10).itertuples()],
        "warnings": result.warnings,
    }


def _repeat_layer(repeats: pd.DataFrame):
    import geopandas as gpd

    return gpd.GeoDataFrame(repeats, geometry=gpd.points_from_xy(repeats["easting"], repeats["northing"]),
                            crs="EPSG:27700")


def _draw(store: Store, args, result) -> object:
    from workbench.geo.map_export import export_map_figure

    names = args.borough
    boroughs = boundaries_frame(store, "borough", names)
    wards = boundaries_frame(store, "ward")
    if names is not None and len(wards):
        wards = wards[wards["parent"].isin(names)]
    label = "KDE" if args.method == "kde" else "Getis-Ord Gi*"
    what = ", ".join(args.category).replace("-", " ").capitalize() if args.category else "Offence"
    return export_map_figure(
        store, args.png, force=args.force, detail={"method": args.method}, title=f"{what} hotspots ({label})",
        subtitle=describe_filter(args.category, args.date_from, args.date_to, args.borough)
        + (f"; hotspots: densest {args.coverage:.0%} of the area" if args.method == "kde" else
           f"; hotspots: highest Gi* z-scores, {args.confidence:.0%} significant after FDR, "
           f"at most {args.coverage:.0%} of the area"),
        boroughs=boroughs, wards=wards, surface=result.surface, hotspots=result.polygons,
        points=result.points if len(result.points) <= 20000 else None)


def _evaluate(args, ctx: Context) -> dict:
    from workbench.geo.evaluate import evaluate

    store = ctx.store()
    train = load_offences(store, args.category, args.train_from, args.train_to, args.borough)
    test = load_offences(store, args.category, args.test_from, args.test_to, args.borough)
    if test.empty:
        raise NotFound("no offences in the test period")
    result = evaluate(train, test, method=args.method, clip=study(store, args.borough), cell=args.cell,
                      bandwidth=args.bandwidth, kernel=args.kernel, coverage=args.coverage,
                      confidence=args.confidence)
    out = result.as_json()
    out.update({"train_offences": len(train), "coverage": args.coverage})
    return out


def _hotspots_text(result: dict) -> str:
    lines = [f"{result['hotspots']} hotspot(s) covering {result['hotspot_area_km2']:.2f} km² "
             f"({result['offences_in_hotspots']:,} of {result['offences']:,} offences) on {result['grid']}."]
    lines += [f"GeoPackage: {result['out']}"] if result["out"] else []
    lines += [f"Map: {result['png']}"] if result["png"] else []
    if result["repeat_locations"]:
        lines.append("Top repeat locations:")
        lines += [f"  {r['rank']}. {r['location'] or '(no description)'}: {r['offences']} offences"
                  for r in result["repeat_locations"]]
    return "\n".join(lines)


def _evaluate_text(result: dict) -> str:
    pai = "n/a" if result["pai"] is None else f"{result['pai']:.2f}"
    hit = "n/a" if result["hit_rate"] is None else f"{result['hit_rate']:.1%}"
    area = "n/a" if result["area_share"] is None else f"{result['area_share']:.1%}"
    return (f"PAI {pai}: {result['hits']:,} of {result['test_offences']:,} test-period offences "
            f"(hit rate {hit}) in hotspots covering {area} "
            f"of the study area ({result['hotspot_area_km2']:.2f} of {result['study_area_km2']:.1f} km²).")
