"""What the People view and ``workbench people`` list: nominals by flag with their latest
activity, repeat victims, and repeat missing people with their episodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domain.people import FLAGS, mappa_level
from workbench.errors import BadInput
from workbench.people.defaults import (
    REPEAT_MISSING_DAYS,
    REPEAT_MISSING_EPISODES,
    REPEAT_VICTIM_DAYS,
    REPEAT_VICTIM_OFFENCES,
)
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


def most_within(keys: pd.Series, when: pd.Series, days: int) -> pd.Series:
    """For each key, the most of its events that fall within any ``days`` (a sliding
    window starting at each event), computed for every key at once."""
    codes = pd.factorize(keys)[0].astype(np.int64)
    seconds = (when - pd.Timestamp("1900-01-01")).dt.total_seconds().to_numpy(np.int64)
    span = np.int64(days) * 86400
    order = np.lexsort((seconds, codes))
    stamp = codes[order] * np.int64(1 << 40) + seconds[order]
    counts = np.searchsorted(stamp, stamp + span, side="left") - np.arange(len(stamp))
    return pd.Series(counts, index=keys.iloc[order].to_numpy()).groupby(level=0).max()


def repeat_victims(store: Store, *, min_offences: int = REPEAT_VICTIM_OFFENCES,
                   days: int = REPEAT_VICTIM_DAYS) -> list[dict]:
    """Victim references with ``min_offences`` or more offences within any ``days``,
    most offences first: victim_ref, offences, most_in_window, first, last, categories,
    offence_ids, offence_refs and a timeline (reference, category, date, place, ward)."""
    if min_offences < 2:
        raise BadInput("--min must be at least 2")
    frame = victim_offences(store)
    counts = frame["victim_ref"].value_counts()
    frame = frame[frame["victim_ref"].isin(counts.index[counts >= min_offences])]
    if frame.empty:
        return []
    best = most_within(frame["victim_ref"], frame["committed_from"], days)
    out = []
    for ref, part in frame[frame["victim_ref"].isin(best.index[best >= min_offences])].groupby("victim_ref"):
        part = part.sort_values("committed_from")
        out.append({"victim_ref": ref, "offences": len(part), "most_in_window": int(best[ref]),
                    "first": _iso(part["committed_from"].iloc[0]), "last": _iso(part["committed_from"].iloc[-1]),
                    "categories": part["category"].value_counts().to_dict(),
                    "offence_ids": [int(i) for i in part["id"]],
                    "offence_refs": part["offence_ref"].tolist(),
                    "timeline": [{"offence_ref": r.offence_ref, "category": r.category,
                                  "committed_from": _iso(r.committed_from), "place": r.location_desc,
                                  "ward": r.ward} for r in part.itertuples()]})
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


def repeat_missing(store: Store, *, min_episodes: int = REPEAT_MISSING_EPISODES,
                   days: int = REPEAT_MISSING_DAYS) -> list[dict]:
    """People missing ``min_episodes`` or more times within any ``days``, most episodes
    first, each with every episode (a timeline) and their last-seen and found points."""
    if min_episodes < 2:
        raise BadInput("--min must be at least 2")
    frame = load_episodes(store)
    counts = frame["person_ref"].value_counts()
    frame = frame[frame["person_ref"].isin(counts.index[counts >= min_episodes])]
    if frame.empty:
        return []
    best = most_within(frame["person_ref"], frame["reported_at"], days)
    out = []
    for person, part in frame[frame["person_ref"].isin(best.index[best >= min_episodes])].groupby("person_ref"):
        when = part["reported_at"]
        out.append({"person_ref": person, "episodes": len(part), "most_in_window": int(best[person]),
                    "first": _iso(when.min()), "last": _iso(when.max()),
                    "home_types": sorted({h for h in part["home_type"].dropna() if h}),
                    "flags": sorted({f for t in part["flags"].dropna() for f in t.split(";") if f}),
                    "risks": part["risk"].value_counts().to_dict(),
                    "timeline": episode_records(part)})
    return sorted(out, key=lambda r: (-r["most_in_window"], r["person_ref"]))
