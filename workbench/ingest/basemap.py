"""Importing an offline street map.

A force holds vector mapping under its own licence (e.g. Ordnance Survey OpenMap Local
or MasterMap under the Public Sector Geospatial Agreement). ``import basemap`` reads the
layers of a GeoPackage as roads (with names), buildings, water and rail, reprojects them
to British National Grid and stores them, replacing an earlier import of the same file
name; its attribution line is printed on every exported map.

A layer's kind comes from ``--layer NAME=KIND`` or, without one, from its name (roads,
road_link, street...: road; building; water, river, tidal...: water; rail, railway:
rail). Layers whose kind cannot be told are skipped and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.ingest.boundaries import _pick, read_layer
from workbench.ingest.coords import in_bng_bounds
from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import file_hash, regular_file
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.store import Store
from workbench.store.basemap import Feature, replace_source
from workbench.store.batches import finish_batch, start_batch

KIND_WORDS = (("building", ("building",)),
              ("rail", ("rail", "railway", "tram")),
              ("water", ("water", "river", "lake", "tidal", "foreshore", "canal", "sea")),
              ("road", ("road", "street", "highway", "motorway", "roadlink", "carriageway")))
NAME_FIELDS = ["name", "name1", "road_name", "roadname", "street_name", "streetname", "distinctive_name",
               "distname", "name_1"]
GEOMETRIES = {"road": ("LineString", "MultiLineString"), "rail": ("LineString", "MultiLineString"),
              "building": ("Polygon", "MultiPolygon"),
              "water": ("Polygon", "MultiPolygon", "LineString", "MultiLineString")}


@dataclass
class BasemapImport:
    """What ``import basemap`` stored: features per kind and the layers skipped."""

    source: str
    attribution: str
    features: dict[str, int]
    batch: int
    skipped: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"imported": sum(self.features.values()), "by_kind": self.features, "source": self.source,
                "attribution": self.attribution, "skipped_layers": self.skipped, "batch": self.batch}


def layer_kind(name: str) -> str | None:
    """The kind a layer's name suggests (None when it says nothing)."""
    lowered = name.lower()
    return next((kind for kind, words in KIND_WORDS if any(w in lowered for w in words)), None)


def _plan(path: Path, layers: list[str] | None) -> tuple[list[tuple[str, str]], list[str]]:
    """``(layer, kind)`` to import, and the layers skipped, from ``--layer`` values."""
    import pyogrio

    try:
        present = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise ImportFailed(f"{path.name}: not a GeoPackage ({str(exc).splitlines()[0]})") from None
    if not layers:
        plan = [(name, layer_kind(name)) for name in present]
        return [(n, k) for n, k in plan if k], [n for n, k in plan if not k]
    plan = []
    for spec in layers:
        name, _, kind = spec.partition("=")
        kind = kind.strip().lower() or layer_kind(name) or ""
        if name not in present:
            raise ImportFailed(f"{path.name} has no layer {name!r}; layers are: {', '.join(present)}")
        if kind not in GEOMETRIES:
            raise ImportFailed(f"cannot tell what layer {name!r} holds: give it as {name}=road, {name}=building, "
                               f"{name}=water or {name}=rail")
        plan.append((name, kind))
    return plan, [n for n in present if n not in {p[0] for p in plan}]


def _features(path: Path, layer: str, kind: str) -> list[Feature]:
    frame, _ = read_layer(path, layer)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.empty:
        return []
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        frame = frame.set_crs("EPSG:4326" if maxx <= 180 and maxy <= 90 else "EPSG:27700")
    frame = frame.to_crs("EPSG:27700")
    minx, miny, maxx, maxy = frame.total_bounds
    if not (in_bng_bounds(minx, miny) and in_bng_bounds(maxx, maxy)):
        raise ImportFailed(f"{path.name}: layer {layer!r} is not inside Great Britain's National Grid; check its "
                           "coordinate system")
    wrong = set(frame.geom_type) - set(GEOMETRIES[kind])
    if wrong:
        raise ImportFailed(f"{path.name}: layer {layer!r} was taken as {kind} but holds {', '.join(sorted(wrong))}; "
                           f"name its kind with --layer {layer}=KIND")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    name_col = _pick(columns, NAME_FIELDS, None, "name", path) if kind in ("road", "water", "rail") else None
    names = frame[name_col].tolist() if name_col else [None] * len(frame)
    return [Feature(kind, (str(n).strip() or None) if n is not None and n == n else None, g)
            for n, g in zip(names, frame.geometry)]


def import_basemap(store: Store, path: str | Path, *, layers: list[str] | None = None,
                   attribution: str | None = None, progress: ProgressFn | None = None,
                   cancelled: CancelledFn | None = None) -> BasemapImport:
    """Import the street-map layers of a GeoPackage (see the module docstring); all or
    nothing. ``attribution`` is the licence line exported maps carry (default: the
    file's name; give the licence's own words)."""
    control = JobControl(progress, cancelled)
    path = regular_file(Path(path))
    plan, skipped = _plan(path, layers)
    if not plan:
        raise ImportFailed(f"{path.name}: no layer looks like roads, buildings, water or rail; name them with "
                           "--layer NAME=road (or building, water, rail)")
    features: list[Feature] = []
    for n, (layer, kind) in enumerate(plan):
        control.report(n / len(plan) * 0.8, f"reading {layer} ({kind})")
        features += _features(path, layer, kind)
    if not features:
        raise ImportFailed(f"{path.name}: the chosen layers have no features")
    source = path.name
    attribution = attribution or f"Basemap: {path.name}"
    with store.atomic():
        batch = start_batch(store, "basemap", source, path.name, file_hash(path))
        counts = replace_source(store, source, attribution, features, batch)
        finish_batch(store, batch, rows_read=len(features), imported=len(features), duplicates=0, rejected=0)
    control.report(1.0, f"{len(features):,} basemap features")
    return BasemapImport(source, attribution, counts, batch, skipped)
