"""Nominals ranked as suspects for an offence or a series, with reasons.

Every nominal with a home location within :data:`MAX_KM` of the nearest offence, whose
sex does not contradict the description, is scored on four things an analyst weighs:

- **distance** from home to the nearest offence, as ``exp(-d / GEO_KM)``: most offenders
  offend close to home, and journey-to-crime distances in British studies have medians of
  one to three kilometres, so a kilometre and a half is the decay (``--max-km`` and the
  weights are the analyst's to change);
- **description**: the share of compared attributes that match the offences' combined
  suspect description (:mod:`workbench.people.description`), 0.5 when none can be
  compared;
- **offending history**: 1 when the nominal is known for (``offending``) or linked to an
  offence of one of the categories, 0.7 for the same crime group, else 0;
- **flags**: 1 for a flag that fits the offending (RSO for sexual offences, IOM/PPO for
  the rest), 0.5 for another management flag, 0.25 for bail, licence or wanted.

The score is the weighted sum (:data:`WEIGHTS`); the reasons say each part in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from workbench.domain.categories import LABELS, group_of, is_sexual
from workbench.domain.people import FLAGS, MANAGED
from workbench.errors import BadInput, NotFound
from workbench.people.description import ATTRIBUTE_LABELS, combined, compare
from workbench.store.db import Store
from workbench.store.offences import (
    OffenceFilter,
    find_by_ref,
    load_features,
    load_frame,
)
from workbench.store.people import load_nominals, people_offences

MAX_KM = 5.0
GEO_KM = 1.5
WEIGHTS = {"distance": 0.4, "description": 0.3, "history": 0.2, "flags": 0.1}


@dataclass
class SuspectList:
    """Ranked nominals for a set of offences.

    Attributes
    ----------
    offences : list of str
        The offences' references.
    description : dict
        The combined suspect description they were compared with.
    considered : int
        Nominals within ``max_km`` not excluded by sex.
    suspects : list of dict
        ``nominal`` (also as ``offender``, the id offences use), ``score``, ``distance_m``,
        ``flags``, ``offences`` (their linked offences' references), ``reasons``.
    """

    offences: list[str]
    description: dict
    considered: int
    suspects: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"offences": self.offences, "description": self.description, "considered": self.considered,
                "suspects": self.suspects}


def _distance(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def _flag_fit(flags: list[str], sexual: bool) -> tuple[float, str]:
    fitting = [f for f in flags if (f == "rso") == sexual and f in MANAGED]
    if fitting:
        return 1.0, f"{', '.join(FLAGS[f] for f in fitting)}"
    managed = [f for f in flags if f in MANAGED or f.startswith("mappa")]
    if managed:
        return 0.5, f"{', '.join(FLAGS[f] for f in managed)} (not the usual flag for this offending)"
    other = [f for f in flags if f in FLAGS]
    if other:
        return 0.25, ", ".join(FLAGS[f] for f in other)
    return 0.0, "no flags"


def _words(categories) -> str:
    return ", ".join(LABELS.get(c, c).lower() for c in categories)


def _history(known_for: list[str], linked: pd.DataFrame, categories: set[str]) -> tuple[float, str]:
    same = sorted((set(known_for) | set(linked["category"])) & categories)
    if same:
        n = int(linked["category"].isin(categories).sum())
        return 1.0, f"known for {_words(same)}" + (f" ({n} linked offence{'s' if n != 1 else ''})" if n else "")
    groups = {group_of(c) for c in categories} - {"other"}
    near = sorted({c for c in set(known_for) | set(linked["category"]) if group_of(c) in groups})
    if near:
        return 0.7, f"known for {_words(near)} (same crime group)"
    return 0.0, "no offending of this kind known"


def rank_nominals(offences: pd.DataFrame, features: pd.DataFrame, nominals: pd.DataFrame,
                  linked: pd.DataFrame, *, top: int = 10, max_km: float = MAX_KM,
                  flags: list[str] | None = None) -> SuspectList:
    """Rank ``nominals`` (as :func:`workbench.store.people.load_nominals`) for
    ``offences`` (offence_ref, category, committed_from, easting, northing) described by
    ``features`` (suspect rows: name, value); ``linked`` holds the nominals' linked
    offences (person, offence_ref, category). ``flags`` keeps only nominals with one of them."""
    description = combined(features)
    categories = set(offences["category"])
    sexual = any(is_sexual(c) for c in categories)
    on = offences["committed_from"].max().date() if len(offences) else date.today()
    pool = nominals[nominals["home_easting"].notna()]
    if flags:
        pool = pool[pool["flags"].map(lambda f: any(x in flags for x in f))]
    xy = offences[["easting", "northing"]].to_numpy(float)
    by_person = dict(iter(linked.groupby("person"))) if len(linked) else {}
    empty = linked.iloc[0:0]
    rows = []
    for nominal in pool.to_dict("records"):
        distance = float(np.min(np.hypot(xy[:, 0] - nominal["home_easting"], xy[:, 1] - nominal["home_northing"])))
        if distance > max_km * 1000.0:
            continue
        match = compare(nominal, description, on)
        if match.excluded:
            continue
        theirs = by_person.get(nominal["nominal_ref"], empty)
        history, history_text = _history((nominal["offending"] or "").split(";"), theirs, categories)
        flag, flag_text = _flag_fit(nominal["flags"], sexual)
        parts = {"distance": float(np.exp(-distance / 1000.0 / GEO_KM)), "description": match.score,
                 "history": history, "flags": flag}
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        words = {k: [ATTRIBUTE_LABELS[a] for a in getattr(match, k)] for k in ("matched", "close", "mismatched")}
        rows.append({
            "nominal": nominal["nominal_ref"], "offender": nominal["nominal_ref"], "score": round(score, 4),
            "distance_m": round(distance), "flags": nominal["flags"],
            "offences": theirs["offence_ref"].tolist()[-10:],
            "reasons": {
                "summary": (f"lives {_distance(distance)} from the nearest offence; description "
                            + (f"matches {', '.join(words['matched'])}" if words["matched"] else "not compared")
                            + (f", close on {', '.join(words['close'])}" if words["close"] else "")
                            + (f", differs on {', '.join(words['mismatched'])}" if words["mismatched"] else "")
                            + f"; {history_text}; {flag_text}"),
                "distance_m": round(distance), "description": match.as_json(), "history": history_text,
                "flags": flag_text, "parts": {k: round(v, 3) for k, v in parts.items()},
            },
        })
    rows.sort(key=lambda r: (-r["score"], r["distance_m"], r["nominal"]))
    return SuspectList(offences["offence_ref"].tolist(), description, len(rows), rows[:top])


def suspects_for(store: Store, *, refs: list[str] | None = None, offence_ids: list[int] | None = None,
                 top: int = 10, max_km: float = MAX_KM, flags: list[str] | None = None) -> SuspectList:
    """Nominals ranked for the offences with references ``refs`` (or store ids
    ``offence_ids``): an offence, or the offences of a series."""
    if top < 1:
        raise BadInput("--top must be at least 1")
    if max_km <= 0:
        raise BadInput("--max-km must be more than 0")
    unknown = [f for f in flags or () if f not in FLAGS]
    if unknown:
        raise BadInput(f"unknown flag {unknown[0]!r}; one of: {', '.join(FLAGS)}")
    ids = list(offence_ids or [])
    for ref in refs or ():
        found = find_by_ref(store, ref)
        if found is None:
            raise NotFound(f"no offence {ref!r} in the store")
        ids.append(found)
    if not ids:
        raise BadInput("give an offence reference or a series")
    offences = load_frame(store, OffenceFilter(ids=ids),
                          ("offence_ref", "category", "committed_from", "easting", "northing"))
    features = load_features(store, ids, kind="suspect")
    nominals = load_nominals(store)
    linked = people_offences(store, nominals["nominal_ref"].tolist())
    return rank_nominals(offences, features, nominals, linked, top=top, max_km=max_km, flags=flags)


def extend_link_suspects(store: Store, result: dict, *, top: int = 10) -> dict:
    """Add nominals to a ``link suspects`` result (:func:`workbench.linkage.service.suspects_for`):
    every known offender who is a nominal gets a ``nominal`` entry (flags, distance from
    home, description score and the nominal ranking's reasons), and ``nominals`` lists
    the ``top`` nominals ranked for the offence by :func:`rank_nominals` (so a nominal
    with no solved offence of this kind can still be named). Returns ``result``."""
    ranked = suspects_for(store, refs=[result["offence"]], top=max(top, len(result["suspects"])))
    nominals = load_nominals(store, refs=[s["offender"] for s in result["suspects"]]).set_index("nominal_ref")
    by_ref = {s["nominal"]: s for s in ranked.suspects}
    for suspect in result["suspects"]:
        if suspect["offender"] in nominals.index:
            found = by_ref.get(suspect["offender"])
            suspect["nominal"] = {
                "flags": nominals.loc[suspect["offender"], "flags"],
                "distance_m": found["distance_m"] if found else None,
                "description": found["reasons"]["description"] if found else None,
                "reasons": found["reasons"]["summary"] if found else "not ranked as a nominal for this offence "
                                                                    "(lives too far away, no home or other sex)"}
    result["nominals"] = ranked.suspects[:top]
    result["description"] = ranked.description
    return result
