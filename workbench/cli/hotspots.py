"""``workbench hotspots`` (KDE or Gi* hotspots, GeoPackage and PNG output) and
``workbench hotspots evaluate`` (PAI, hit rate and area share of one period's hotspots
on the next)."""

from __future__ import annotations

import argparse

import pandas as pd

from workbench.cli.common import Context, add_force, period
from workbench.domain.categories import expand
from workbench.errors import NotFound
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, KERNEL
from workbench.store import Store
from workbench.store.boundaries import StudyArea, boundaries_frame, study_area_for
from workbench.store.offences import OffenceFilter, load_frame

ORDER = 50
# The analysis modules (scipy, geopandas, matplotlib) are imported by the handlers, so
# that every other command starts quickly.
METHODS = ("auto", "kde", "prospective", "gi")
KERNELS = ("quartic", "gaussian")
OBJECTIVES = ("pai", "pei", "hit_rate")


def add_filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    """``--category``, ``--borough`` and (optionally) ``--from``/``--to``."""
    parser.add_argument("--category", action="append", metavar="C",
                        help="offence category (repeatable; burglary includes its kinds)")
    parser.add_argument("--borough", action="append", metavar="NAME",
                        help="only this borough (repeatable; any case); also the study area")
    if dates:
        parser.add_argument("--from", dest="date_from", metavar="D",
                            help="first date or month (2025-03-01 or 2025-03)")
        parser.add_argument("--to", dest="date_to", metavar="D",
                            help="last date or month, included (2025-03 means all of March)")


def add_surface_options(parser: argparse.ArgumentParser) -> None:
    """How hotspots are found: method, cell, bandwidth, kernel, coverage, minimum area."""
    parser.add_argument("--method", choices=METHODS, default=HOTSPOT_METHOD,
                        help="auto (default: cross-validation picks kde or prospective), kde (kernel "
                             "density), prospective (KDE weighting recent offences) or gi (Getis-Ord Gi*)")
    parser.add_argument("--cell", type=float, metavar="M",
                        help="cell size in metres (default: learned by cross-validation)")
    parser.add_argument("--bandwidth", type=float, metavar="M",
                        help="KDE bandwidth, or the Gi* distance band, in metres (default: learned)")
    parser.add_argument("--kernel", choices=KERNELS, default=KERNEL, help=f"KDE kernel (default {KERNEL})")
    parser.add_argument("--coverage", type=float, default=COVERAGE, metavar="SHARE",
                        help=f"hotspots cover at most this share of the study area (default {COVERAGE})")
    parser.add_argument("--confidence", type=float, choices=(0.90, 0.95, 0.99), default=CONFIDENCE,
                        help=f"Gi*: hot spots at this confidence after FDR correction (default {CONFIDENCE})")
    parser.add_argument("--min-area", type=float, default=0.0, metavar="HA",
                        help="drop hotspot areas smaller than this many hectares (default 0: keep all)")
    parser.add_argument("--choose-by", choices=OBJECTIVES,
                        help="what cross-validation maximises: pai (default), pei or hit_rate (the default "
                             "with --min-area, as PAI rewards hotspots that shrink)")


def load_offences(store: Store, categories, date_from: str | None, date_to: str | None,
                  boroughs) -> pd.DataFrame:
    """Offences for an analysis, checking the categories first (a typo is a clear error)."""
    expand(categories)
    flt = OffenceFilter(categories=categories, date_from=period(date_from),
                        date_to=period(date_to, end=True), boroughs=boroughs)
    return load_frame(store, flt, columns=("offence_ref", "category", "committed_from", "committed_to",
                                           "easting", "northing", "location_desc", "borough", "ward"))


def objective(args) -> str:
    """``--choose-by``, defaulting to PAI, or to the hit rate with a minimum area."""
    return args.choose_by or ("hit_rate" if args.min_area > 0 else "pai")


def study(store: Store, frame: pd.DataFrame, boroughs) -> StudyArea:
    """The study area: the named boroughs, else the loaded boroughs holding the offences."""
    return study_area_for(store, frame.get("borough", []), boroughs)


def describe_filter(categories, date_from, date_to, area: StudyArea) -> str:
    """One line for map subtitles and messages."""
    what = ", ".join(categories) if categories else "all offences"
    when = f"{date_from or 'start'} to {date_to or 'latest'}"
    return f"{what}; {when}; {area.describe()}"


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
    add_surface_options(p)
    p.add_argument("--out", metavar="FILE.gpkg", help="write cells, hotspots and offences as GeoPackage layers")
    p.add_argument("--png", metavar="FILE.png", help="draw a map with boundaries, legend and marking")
    add_force(p)
    p.set_defaults(handler=_hotspots, text=_hotspots_text, help_parser=p)

    sub = p.add_subparsers(dest="hotspots_command", metavar="SUBCOMMAND")
    e = sub.add_parser(
        "evaluate", parents=[parent], help="PAI, PEI and recapture of hotspots on a later period",
        description="Fit hotspots on a training period and count the test period's offences in "
                    "them (Chainey, Tompson & Uhlig 2008): hit rate n/N, area share a/A, "
                    "PAI = hit rate / area share, PEI (hits over the most any hotspots of that "
                    "area could have caught) and the recapture rate index. Settings not given are "
                    "learned inside the training period. The study area is the boroughs given "
                    "with --borough, else the loaded boroughs holding the filtered offences.")
    add_filter_options(e, dates=False)
    for name in ("train-from", "train-to", "test-from", "test-to"):
        e.add_argument(f"--{name}", required=True, metavar="D", help=f"{name.replace('-', ' ')} date or month")
    add_surface_options(e)
    e.set_defaults(handler=_evaluate, text=_evaluate_text, help_parser=e)


def _settings_json(result) -> dict:
    """``method``, ``cell_m``, ``bandwidth_m``, ``chosen_by`` of an analysis."""
    if result.settings is not None:
        return result.settings.as_json()
    return {"method": "gi", "cell_m": result.surface.cell, "bandwidth_m": result.surface.distance_band,
            "chosen_by": "rule of thumb", "objective": None, "folds": 0}


def _hotspots(args, ctx: Context) -> dict:
    from workbench.geo.hotspots import analyse
    from workbench.geo.map_export import export_geopackage

    store = ctx.store()
    frame = load_offences(store, args.category, args.date_from, args.date_to, args.borough)
    area = study(store, frame, args.borough)
    result = analyse(frame, method=args.method, clip=area.geometry, cell=args.cell, bandwidth=args.bandwidth,
                     kernel=args.kernel, coverage=args.coverage, confidence=args.confidence,
                     min_area_m2=args.min_area * 1e4, objective=objective(args), areas=area.areas,
                     progress=ctx.progress)
    for warning in result.warnings:
        ctx.message(f"warning: {warning}")
    surface = result.surface
    described = describe_filter(args.category, args.date_from, args.date_to, area)
    out = png = None
    if args.out:
        layers = result.layers()
        layers["repeat_locations"] = _repeat_layer(result.repeats)
        export_geopackage(store, layers, args.out, force=args.force,
                          detail={"method": result.method, "filter": described})
        out = args.out
    if args.png:
        png = str(_draw(store, args, result, area, described))
    settings = _settings_json(result)
    boroughs = result.counts[result.counts["level"] == "borough"]
    return {
        "cells": int(surface.mask.sum()), "hotspots": len(result.polygons), "out": out, "png": png,
        **settings, "offences": len(result.points),
        "offences_in_hotspots": int(result.points["in_hotspot"].sum()),
        "hotspot_cells": int(result.selected.sum()),
        "hotspot_area_km2": round(result.hotspot_area_km2, 4),
        "study_area": {"boroughs": area.names, "rule": area.rule,
                       "area_km2": round(float(surface.mask.sum()) * surface.grid.cell_area / 1e6, 4),
                       "left_out": area.left_out},
        "coverage": args.coverage, "cell": surface.cell,
        ("bandwidth" if result.method != "gi" else "distance_band"): settings["bandwidth_m"],
        "kernel": args.kernel if result.method != "gi" else None,
        "grid": surface.grid.describe(),
        "shape": result.shape,
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


def _draw(store: Store, args, result, area: StudyArea, described: str) -> object:
    from workbench.geo.map_export import export_map_figure
    from workbench.store.basemap import attributions, load_features

    boroughs = boundaries_frame(store, "borough", area.names or None)
    wards = boundaries_frame(store, "ward")
    if area.names and len(wards):
        wards = wards[wards["parent"].isin(area.names)]
    label = {"kde": "KDE", "prospective": "prospective KDE", "gi": "Getis-Ord Gi*"}[result.method]
    what = ", ".join(args.category).replace("-", " ").capitalize() if args.category else "Offence"
    return export_map_figure(
        store, args.png, force=args.force, detail={"method": result.method}, title=f"{what} hotspots ({label})",
        subtitle=described
        + (f"; hotspots: densest {args.coverage:.0%} of the area" if result.method != "gi" else
           f"; hotspots: highest Gi* z-scores, {args.confidence:.0%} significant after FDR, "
           f"at most {args.coverage:.0%} of the area"),
        boroughs=boroughs, wards=wards, surface=result.surface, hotspots=result.polygons,
        points=result.points if len(result.points) <= 20000 else None,
        basemap=load_features(store, bbox=result.grid.bounds), attribution=" ".join(attributions(store)))


def _evaluate(args, ctx: Context) -> dict:
    from workbench.geo.evaluate import evaluate

    store = ctx.store()
    train = load_offences(store, args.category, args.train_from, args.train_to, args.borough)
    test = load_offences(store, args.category, args.test_from, args.test_to, args.borough)
    if test.empty:
        raise NotFound("no offences in the test period")
    area = study(store, pd.concat([train[["borough"]], test[["borough"]]]), args.borough)
    score, fitted = evaluate(train, test, method=args.method, clip=area.geometry, cell=args.cell,
                             bandwidth=args.bandwidth, kernel=args.kernel, coverage=args.coverage,
                             confidence=args.confidence, min_area_m2=args.min_area * 1e4,
                             objective=objective(args), progress=ctx.progress)
    out = score.as_json()
    out.update(_settings_json(fitted))
    out.update({"train_offences": len(train), "coverage": args.coverage, "shape": fitted.shape,
                "study_area": {"boroughs": area.names, "rule": area.rule, "left_out": area.left_out}})
    return out


def _hotspots_text(result: dict) -> str:
    lines = [f"{result['hotspots']} hotspot(s) covering {result['hotspot_area_km2']:.2f} km² "
             f"({result['offences_in_hotspots']:,} of {result['offences']:,} offences) on {result['grid']}.",
             f"Study area: {', '.join(result['study_area']['boroughs']) or 'the extent of the offences'} "
             f"({result['study_area']['area_km2']:.1f} km²).", _settings_text(result), _shape_text(result["shape"])]
    lines += [f"GeoPackage: {result['out']}"] if result["out"] else []
    lines += [f"Map: {result['png']}"] if result["png"] else []
    if result["repeat_locations"]:
        lines.append("Top repeat locations:")
        lines += [f"  {r['rank']}. {r['location'] or '(no description)'}: {r['offences']} offences"
                  for r in result["repeat_locations"]]
    return "\n".join(lines)


def _settings_text(result: dict) -> str:
    name = {"kde": "KDE", "prospective": "prospective KDE", "gi": "Gi*"}[result["method"]]
    return (f"Settings: {name}, {result['cell_m']:g} m cells, {result['bandwidth_m']:g} m "
            f"{'distance band' if result['method'] == 'gi' else 'bandwidth'} ({result['chosen_by']}).")


def _shape_text(shape: dict) -> str:
    if not shape.get("areas"):
        return "No hotspot areas."
    dropped = (f"; {shape['dropped_areas']:,} smaller than {shape['min_area_m2'] / 1e4:g} ha dropped"
               if shape["dropped_areas"] else "")
    return (f"{shape['areas']:,} separate hotspot area(s): largest {shape['largest_m2'] / 1e4:.2f} ha, median "
            f"{shape['median_m2'] / 1e4:.2f} ha, {shape['single_cells']:,} of a single cell{dropped}.")


def _evaluate_text(result: dict) -> str:
    def show(key, fmt):
        return "n/a" if result[key] is None else format(result[key], fmt)
    return "\n".join([
        f"PAI {show('pai', '.2f')}, PEI {show('pei', '.2f')}, recapture rate index {show('rri', '.2f')}: "
        f"{result['hits']:,} of {result['test_offences']:,} test-period offences (hit rate "
        f"{show('hit_rate', '.1%')}) in hotspots covering {show('area_share', '.1%')} of the study area "
        f"({result['hotspot_area_km2']:.2f} of {result['study_area_km2']:.1f} km²).",
        _settings_text(result), _shape_text(result["shape"])])
