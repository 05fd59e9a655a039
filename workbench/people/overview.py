"""What the People view and ``workbench people`` list: nominals by flag with their latest
activity, repeat victims, and repeat missing people with their episodes."""

from __future__ import annotations

import pandas as pd

from workbench.domain.people import FLAGS, mappa_level
from workbench.errors import BadInput
from workbench.store.db import Store
from workbench.store.people import (
    latest_activity,
    load_episodes,
    load_nominals,
    victim_offences,
)


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat(timespec="minutes")


def nominals_by_flag(store: Store, flags: list[str] | None = None) -> list[dict]:
    """Nominals (with any of ``flags``) and their latest activity: offence, intelligence
    report or missing episode, newest first (those with none last)."""
    unknown = [f for f in flags or () if f not in FLAGS]
    if unknown:
        raise BadInput(f"unknown flag {unknown[0]!r}; one of: {', '.join(FLAGS)}")
    frame = load_nominals(store, flags=flags or None)
    activity = latest_activity(store, frame["nominal_ref"].tolist())
    out = []
    for row in frame.to_dict("records"):
        seen = activity[row["nominal_ref"]]
        latest = max(seen.items(), key=lambda kv: kv[1]) if seen else None
        out.append({
            "nominal": row["nominal_ref"], "name": " ".join(p for p in (row["forenames"], row["surname"]) if p),
            "flags": row["flags"], "mappa_level": mappa_level(row["flags"]), "borough": row["home_borough"],
            "review_date": row["review_date"], "security_marking": row["security_marking"],
            "latest_activity": latest[1][:16] if latest else None, "latest_kind": latest[0] if latest else None,
            "activity": seen,
        })
    out.sort(key=lambda r: r["nominal"])
    out.sort(key=lambda r: r["latest_activity"] or "", reverse=True)      # stable: ties stay by reference
    return out


def repeat_victims(store: Store, *, min_offences: int = 3, days: int = 365) -> list[dict]:
    """Victim references with ``min_offences`` or more offences within any ``days``,
    most offences first: victim_ref, offences (refs, dates, categories), first, last."""
    if min_offences < 2:
        raise BadInput("--min must be at least 2")
    frame = victim_offences(store)
    out = []
    for ref, part in frame.groupby("victim_ref", sort=True):
        if len(part) < min_offences:
            continue
        when = part["committed_from"].sort_values()
        span = pd.Timedelta(days=days)
        best = max(int(((when >= t) & (when < t + span)).sum()) for t in when)
        if best < min_offences:
            continue
        out.append({"victim_ref": ref, "offences": len(part), "most_in_window": best,
                    "first": _iso(when.iloc[0]), "last": _iso(when.iloc[-1]),
                    "categories": part["category"].value_counts().to_dict(),
                    "offence_ids": [int(i) for i in part["id"]],
                    "offence_refs": part["offence_ref"].tolist()})
    out.sort(key=lambda r: r["last"], reverse=True)
    out.sort(key=lambda r: r["most_in_window"], reverse=True)           # stable: newest first among equals
    return out


def episode_records(frame: pd.DataFrame) -> list[dict]:
    """Episodes as JSON-friendly dicts (times ISO, missing locations None)."""
    out = []
    for row in frame.to_dict("records"):
        rec = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items() if k != "imported_at"}
        rec["reported_at"], rec["found_at"] = _iso(row["reported_at"]), _iso(row["found_at"])
        rec["hours_missing"] = (round((row["found_at"] - row["reported_at"]).total_seconds() / 3600, 1)
                                if pd.notna(row["found_at"]) else None)
        out.append(rec)
    return out


def repeat_missing(store: Store, *, min_episodes: int = 3, days: int = 90) -> list[dict]:
    """People missing ``min_episodes`` or more times within any ``days``, most episodes
    first, each with every episode (a timeline) and their last-seen and found points."""
    if min_episodes < 2:
        raise BadInput("--min must be at least 2")
    frame = load_episodes(store)
    out = []
    span = pd.Timedelta(days=days)
    for person, part in frame.groupby("person_ref", sort=True):
        if len(part) < min_episodes:
            continue
        when = part["reported_at"]
        best = max(int(((when >= t) & (when < t + span)).sum()) for t in when)
        if best < min_episodes:
            continue
        out.append({"person_ref": person, "episodes": len(part), "most_in_window": best,
                    "first": _iso(when.min()), "last": _iso(when.max()),
                    "home_types": sorted({h for h in part["home_type"].dropna() if h}),
                    "flags": sorted({f for t in part["flags"].dropna() for f in t.split(";") if f}),
                    "risks": part["risk"].value_counts().to_dict(),
                    "timeline": episode_records(part)})
    return sorted(out, key=lambda r: (-r["most_in_window"], r["person_ref"]))
