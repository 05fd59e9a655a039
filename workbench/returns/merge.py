"""Merge boroughs' returns into the store and find cross-border (NIM level 2) links.

An offender is cross-border when returns of two or more boroughs name them. Two series
of different boroughs are linked when they have the same reference (a force-wide series
reference seen on both sides), share an offender, or when they are of the
same main category, no more than :data:`SERIES_GAP_DAYS` apart in time and no more than
:data:`SERIES_DISTANCE_M` apart in space (their areas).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from itertools import combinations
from pathlib import Path

import shapely

from workbench.domain.audit import AuditAction
from workbench.errors import BadFile, file_errors
from workbench.identity import current_user
from workbench.returns.schema import ITEM_KIND, KINDS, validate
from workbench.store import Store
from workbench.store import tasking as db

SERIES_GAP_DAYS = 14
SERIES_DISTANCE_M = 1000.0


def import_returns(store: Store, paths) -> dict:
    """Check every file field by field, store the good new ones (one transaction), and
    report the cross-border links across everything received so far.

    A malformed file is refused whole and listed under ``rejected`` with its reason; the
    other files are still imported. When every file is refused, that is the error."""
    loaded, rejected = [], []
    for path in map(Path, paths):
        try:
            loaded.append(_read_return(path))
        except BadFile as exc:
            rejected.append({"file": str(path), "reason": str(exc)})
    if rejected and not loaded:
        raise BadFile(rejected[0]["reason"] + (f" (and {len(rejected) - 1} more files refused)"
                                               if len(rejected) > 1 else ""))
    imported, skipped = [], []
    with store.atomic():
        for path, digest, doc in loaded:
            if db.find_return(store, doc["borough"], doc["period_from"], doc["period_to"], digest) is not None:
                skipped.append(str(path))
                continue
            header = {**{k: doc[k] for k in ("borough", "period_from", "period_to", "schema_version")},
                      "generated_at": doc.get("generated_at"), "file_name": path.name, "file_hash": digest}
            items = [(ITEM_KIND[section], str(item[key]), item)
                     for section, key in KINDS.items() for item in doc.get(section, [])]
            return_id = db.insert_return(store, header, items, current_user())
            store.audit(AuditAction.RETURNS_IMPORT, "return", return_id,
                        {"file": str(path), "borough": doc["borough"], "items": len(items)})
            imported.append({"id": return_id, "file": str(path), "borough": doc["borough"],
                             "period_from": doc["period_from"], "period_to": doc["period_to"], "items": len(items)})
    return {"imported": imported, "skipped": skipped, "rejected": rejected, **cross_border_links(store)}


def _read_return(path: Path) -> tuple[Path, str, dict]:
    """(path, SHA-256, document) of a return that passes the schema, else BadFile."""
    with file_errors(path):
        raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadFile(f"{path.name} is not a JSON return: {exc}") from None
    except RecursionError:
        raise BadFile(f"{path.name} is nested too deeply to be a return") from None
    return path, hashlib.sha256(raw).hexdigest(), validate(doc, path.name)


def cross_border_links(store: Store) -> dict:
    """Offenders and series that appear in the returns of more than one borough."""
    offenders: dict[str, dict[str, int]] = {}
    for item in db.received_items(store, "offender"):
        per = offenders.setdefault(item["item_key"], {})
        per[item["borough"]] = max(per.get(item["borough"], 0), int(item["body"].get("offences", 0)))
    shared = [{"offender": key, "boroughs": sorted(per), "offences": per}
              for key, per in sorted(offenders.items()) if len(per) > 1]
    return {"cross_border_offenders": shared, "cross_border_series": _series_links(store)}


def _series_links(store: Store) -> list[dict]:
    latest: dict[tuple[str, str], dict] = {}
    for item in db.received_items(store, "series"):        # a later return replaces an earlier one
        latest[(item["borough"], item["item_key"])] = item["body"]
    links = []
    for (b1, id1), (b2, id2) in combinations(sorted(latest), 2):
        if b1 == b2:
            continue
        reason = "same series reference" if id1 == id2 else _link_reason(latest[(b1, id1)], latest[(b2, id2)])
        if reason:
            links.append({"series": [{"borough": b1, "id": id1}, {"borough": b2, "id": id2}], "reason": reason})
    return links


def _link_reason(s1: dict, s2: dict) -> str | None:
    common = sorted(set(s1.get("offenders", [])) & set(s2.get("offenders", [])))
    if common:
        return f"shared offender{'s' if len(common) > 1 else ''} {', '.join(common)}"
    main1, main2 = (max(s["categories"], key=s["categories"].get) if s.get("categories") else None for s in (s1, s2))
    if main1 is None or main1 != main2:
        return None
    gap = max(date.fromisoformat(s1["first"]), date.fromisoformat(s2["first"])) - \
        min(date.fromisoformat(s1["last"]), date.fromisoformat(s2["last"]))
    if gap.days > SERIES_GAP_DAYS or not (s1.get("area_wkt") and s2.get("area_wkt")):
        return None
    distance = shapely.from_wkt(s1["area_wkt"]).distance(shapely.from_wkt(s2["area_wkt"]))
    if distance > SERIES_DISTANCE_M:
        return None
    return f"same category ({main1}), {distance:.0f} m apart, " + (
        "overlapping in time" if gap.days <= 0 else f"{gap.days} days apart")
