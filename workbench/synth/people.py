"""Synthetic nominals, victim references and missing-person episodes with planted patterns.

Made from the generated offences and their truth so the patterns are real ones:

- **nominals**: some serial offenders become nominals (sexual offenders registered sex
  offenders, acquisitive ones IOM or PPO nominals), living at their true home anchor
  with their true appearance; among many more nominals drawn from the population. The
  offender of the largest recently active sexual series is a **planted RSO** (MAPPA 2)
  living near it (the force has linked that series: it has a ``series_ref``), and the
  offender of a solved offence in the last week (a known burglar if possible) is a
  **planted IOM nominal** whose exclusion zone that offence breaches;
- **victim references** on person and household offences, mostly unique, with natural
  repeats (an earlier victim near by) and a **planted repeat victim** (four offences in
  the last five months, the last one in the final days);
- **missing episodes**: one or two for most missing people, and a **planted
  repeat-missing child** from a children's home, missing seven times in the last three
  months and found again and again at one flat (so the episodes also cluster on a place).

Everything depends only on the seed; ``PeopleData.planted`` is the truth tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from workbench.synth.offenders import People
from workbench.synth.places import Area
from workbench.synth.vocab import BUILDS, ETHNICITY_CODES

NOMINAL_COLUMNS = ["nominal_ref", "surname", "forenames", "date_of_birth", "sex", "height_cm", "build",
                   "ethnicity_code", "home_easting", "home_northing", "flags", "offending", "conditions",
                   "exclusion_wkt", "review_date", "security_marking"]
MISSING_COLUMNS = ["episode_ref", "person_ref", "reported_at", "found_at", "last_seen_easting",
                   "last_seen_northing", "found_easting", "found_northing", "risk", "home_type", "flags"]
#: Offence categories with a person or household as victim (they carry a victim_ref).
VICTIM_CATEGORIES = ("rape", "sexual-assault", "exposure", "other-sexual", "violence-with-injury",
                     "violence-without-injury", "robbery-personal", "theft-from-person", "burglary-residential")
NATURAL_REPEAT_SHARE = 0.05
SURNAMES = ("Abbott", "Bennett", "Carter", "Dawson", "Ellis", "Fletcher", "Grant", "Hughes", "Iqbal", "Jarvis",
            "Khan", "Lowe", "Mensah", "Norris", "Okafor", "Patel", "Quinn", "Reid", "Shah", "Turner", "Usman",
            "Vaughan", "Walsh", "Young")
FORENAMES = {"M": ("Adam", "Ben", "Callum", "Daniel", "Ethan", "Femi", "George", "Harry", "Imran", "Jack",
                   "Kyle", "Liam", "Mohammed", "Nathan", "Omar", "Paul"),
             "F": ("Amy", "Bethany", "Chloe", "Danielle", "Emma", "Fatima", "Grace", "Hannah", "Isla", "Jade")}
PLANTED_RSO_FLAGS = "rso;mappa-2;licence"
PLANTED_CHILD_EPISODES = 7
ACTIVE_DAYS = 60


@dataclass
class PeopleData:
    """Nominals and missing episodes (CSV columns), a victim_ref per offence, and the
    planted truth: ``rso`` (nominal, series, offences), ``breach`` (nominal, offence),
    ``victim`` (victim_ref, offences) and ``child`` (person_ref, episodes, flat)."""

    nominals: pd.DataFrame
    missing: pd.DataFrame
    victim_refs: np.ndarray
    planted: dict = field(default_factory=dict)


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _dob(age: np.ndarray, end: date, rng: np.random.Generator) -> list[str]:
    return [(end - timedelta(days=int(a) * 365 + int(d))).isoformat()
            for a, d in zip(age, rng.integers(0, 365, len(age)))]


def _names(male: np.ndarray, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    surnames = [SURNAMES[i] for i in rng.integers(0, len(SURNAMES), len(male))]
    forenames = [FORENAMES["M" if m else "F"][rng.integers(0, len(FORENAMES["M" if m else "F"]))] for m in male]
    return surnames, forenames


def _nominal_frame(refs, people_like: dict, homes, flags, offending, end: date, rng) -> pd.DataFrame:
    male = np.asarray(people_like["sex"]) == "M"
    surnames, forenames = _names(male, rng)
    n = len(refs)
    return pd.DataFrame({
        "nominal_ref": refs, "surname": surnames, "forenames": forenames,
        "date_of_birth": _dob(np.asarray(people_like["age"]), end, rng), "sex": people_like["sex"],
        "height_cm": people_like["height_cm"], "build": people_like["build"],
        "ethnicity_code": people_like["ethnicity_code"],
        "home_easting": np.round(homes[0]).astype(int), "home_northing": np.round(homes[1]).astype(int),
        "flags": flags, "offending": offending, "conditions": [""] * n, "exclusion_wkt": [""] * n,
        "review_date": [(end + timedelta(days=int(d))).isoformat() for d in rng.integers(-20, 180, n)],
        "security_marking": ["OFFICIAL-SENSITIVE"] * n,
    }, columns=NOMINAL_COLUMNS)


def _known_nominals(offenders: pd.DataFrame, end: date, rng) -> pd.DataFrame:
    """Serial offenders who are nominals: most sexual offenders registered, a third of the
    acquisitive ones under IOM or PPO, some others on bail or licence."""
    if offenders.empty:
        return pd.DataFrame(columns=NOMINAL_COLUMNS)
    group = offenders["group"].to_numpy()
    draw = rng.random(len(offenders))
    flags = np.where(group == "sexual", np.where(draw < 0.55, "rso;mappa-1", ""),
                     np.where(np.isin(group, ["burglary", "robbery", "vehicle"]),
                              np.where(draw < 0.25, "iom", np.where(draw < 0.35, "ppo;iom", "")),
                              np.where(draw < 0.15, "bail", "")))
    keep = flags != ""
    known = offenders[keep]
    return _nominal_frame(known["offender_id"].tolist(), known, (known["easting"], known["northing"]),
                          flags[keep].tolist(), known["category"].tolist(), end, rng)


def _population_nominals(n: int, area: Area, seed: int, end: date, rng) -> pd.DataFrame:
    """Nominals who are not serial offenders here: flags in proportions a borough might hold."""
    kinds = rng.choice(["rso", "rso;mappa-1", "iom", "ppo;iom", "bail", "licence", "wanted"], n,
                       p=[0.15, 0.12, 0.3, 0.08, 0.15, 0.1, 0.1])
    sexual = np.char.startswith(kinds.astype(str), "rso")
    people = [People.draw("sexual" if s else "burglary", 1, rng) for s in sexual]
    merged = People.concat(people)
    like = {"sex": np.where(merged.male, "M", "F"), "age": np.maximum(merged.age, 16),
            "height_cm": np.round(merged.height).astype(int), "build": np.array(BUILDS, dtype=object)[merged.build],
            "ethnicity_code": np.array(ETHNICITY_CODES, dtype=object)[merged.ethnicity]}
    offending = np.where(sexual, rng.choice(["sexual-assault", "exposure", "rape", "other-sexual"], n),
                         rng.choice(["burglary-residential", "robbery-personal", "theft-from-vehicle",
                                     "violence-with-injury", "drugs", "shoplifting"], n))
    refs = [f"N{seed}-{i + 1:05d}" for i in range(n)]
    return _nominal_frame(refs, like, area.residential(n, rng), kinds.tolist(), offending.tolist(), end, rng)


def _plant_rso(nominals: pd.DataFrame, offenders: pd.DataFrame, series: list[dict], end: date,
               rng) -> tuple[pd.DataFrame, dict]:
    """The offender of the largest sexual series still active in the last
    :data:`ACTIVE_DAYS` (else the largest) is a registered sex offender on licence."""
    sexual = [s for s in series if s["group"] == "sexual" and s["offender"] in set(offenders["offender_id"])]
    if not sexual:
        return nominals, {}
    active = (end - timedelta(days=ACTIVE_DAYS)).isoformat()
    chosen = max(sexual, key=lambda s: (s["last"] >= active and s["n"] >= 3, s["n"], s["last"]))
    person = offenders[offenders["offender_id"] == chosen["offender"]]
    row = _nominal_frame([chosen["offender"]], person, (person["easting"], person["northing"]),
                         [PLANTED_RSO_FLAGS], [chosen["category"]], end, rng)
    row["conditions"] = "curfew 23:00-06:00; notify any change of address"
    nominals = pd.concat([nominals[nominals["nominal_ref"] != chosen["offender"]], row], ignore_index=True)
    return nominals, {"nominal": chosen["offender"], "series": chosen["id"], "offences": chosen["offences"],
                      "category": chosen["category"], "series_ref": f"BIU/{end:%y}/{chosen['id'].split('-')[-1]}"}


def _plant_breach(nominals: pd.DataFrame, offenders: pd.DataFrame, offences: pd.DataFrame, area: Area, end: date,
                  rng) -> tuple[pd.DataFrame, dict]:
    """The offender of a solved offence in the last week (a known burglar if there is one,
    else a known serial offender, else anyone) is an IOM nominal on licence whose
    exclusion zone that offence lies in."""
    recent = offences[(offences["status"] == "solved")
                      & (offences["committed_from"] >= (end - timedelta(days=6)).isoformat())]
    if recent.empty:
        return nominals, {}
    who = recent["offender_ids"].str.split(";").str[0]
    group = who.map(offenders.set_index("offender_id")["group"])
    preference = np.where(group == "burglary", 0, np.where(group.notna(), 1, 2))
    pick = int(np.argmin(preference))
    row, offender = recent.iloc[pick], who.iloc[pick]
    x, y = float(row["easting"]), float(row["northing"])
    zone = (f"POLYGON (({x - 250:.0f} {y - 250:.0f}, {x + 250:.0f} {y - 250:.0f}, {x + 250:.0f} {y + 250:.0f}, "
            f"{x - 250:.0f} {y + 250:.0f}, {x - 250:.0f} {y - 250:.0f}))")
    person = offenders[offenders["offender_id"] == offender]
    if person.empty:                       # a one-off offender: draw who they are and where they live
        drawn = People.draw("other", 1, rng)
        home = area.residential(1, rng)
        person = pd.DataFrame({"sex": np.where(drawn.male, "M", "F"), "age": np.maximum(drawn.age, 16),
                               "height_cm": np.round(drawn.height).astype(int),
                               "build": np.array(BUILDS, dtype=object)[drawn.build],
                               "ethnicity_code": np.array(ETHNICITY_CODES, dtype=object)[drawn.ethnicity],
                               "easting": home[0], "northing": home[1]})
    new = _nominal_frame([offender], person, (person["easting"], person["northing"]), ["iom;licence"],
                         [row["category"]], end, rng)
    new["conditions"] = "licence: not to enter the exclusion zone round the shopping parade"
    new["exclusion_wkt"] = zone
    nominals = pd.concat([nominals[nominals["nominal_ref"] != offender], new], ignore_index=True)
    return nominals, {"nominal": offender, "offence": row["offence_ref"]}


def _victim_refs(offences: pd.DataFrame, end: date, seed: int, rng) -> tuple[np.ndarray, dict]:
    """A victim_ref per person/household offence (empty for the others), natural repeats
    among neighbours, and one planted repeat victim."""
    refs = np.full(len(offences), "", dtype=object)
    eligible = np.flatnonzero(offences["category"].isin(VICTIM_CATEGORIES).to_numpy())
    if not len(eligible):
        return refs, {}
    refs[eligible] = [f"V{seed}-{i + 1:06d}" for i in range(len(eligible))]
    xy = offences.iloc[eligible][["easting", "northing"]].astype(float).to_numpy()
    tree = cKDTree(xy)
    repeats = np.flatnonzero(rng.random(len(eligible)) < NATURAL_REPEAT_SHARE)
    for k in repeats:                     # eligible is in time order: take an earlier neighbour's ref
        _, near = tree.query(xy[k], k=4)
        earlier = [j for j in np.atleast_1d(near)[1:] if j < k]
        if earlier:
            refs[eligible[k]] = refs[eligible[earlier[0]]]
    when = offences["committed_from"].to_numpy(dtype=str)
    last_days = (end - timedelta(days=4)).isoformat()
    anchors = [i for i in eligible if when[i] >= last_days and offences["category"].iat[i].startswith("violence")]
    if not anchors:
        return refs, {}
    anchor = anchors[-1]
    since = (end - timedelta(days=150)).isoformat()
    sexual = ("rape", "sexual-assault", "exposure", "other-sexual")
    window = [i for i in eligible if since <= when[i] < last_days and offences["category"].iat[i] not in sexual]
    ax, ay = float(offences["easting"].iat[anchor]), float(offences["northing"].iat[anchor])
    nearest = sorted(window, key=lambda i: np.hypot(float(offences["easting"].iat[i]) - ax,
                                                    float(offences["northing"].iat[i]) - ay))[:3]
    chosen = sorted(nearest + [anchor])
    planted = f"V{seed}-R00001"
    refs[chosen] = planted
    return refs, {"victim_ref": planted, "offences": offences["offence_ref"].iloc[chosen].tolist()}


def _episodes(area: Area, first: date, days: int, seed: int, rng) -> tuple[pd.DataFrame, dict]:
    """Missing episodes of the population and of the planted repeat-missing child."""
    start = datetime(first.year, first.month, first.day)
    n_people = max(40, int(area.area_km2 * 4))
    counts = np.where(rng.random(n_people) < 0.25, 2, 1)
    person = np.repeat([f"MP{seed}-{i + 1:04d}" for i in range(n_people)], counts)
    n = len(person)
    reported = [start + timedelta(minutes=int(m)) for m in rng.integers(0, days * 1440, n)]
    hours = rng.lognormal(np.log(14), 0.9, n)
    seen_x, seen_y = area.residential(n, rng)
    angle, reach = rng.uniform(0, 2 * np.pi, n), rng.exponential(1200, n)
    found_x, found_y = area.repair(seen_x + reach * np.cos(angle), seen_y + reach * np.sin(angle), seen_x, seen_y, rng)
    has_found = rng.random(n) < 0.9
    homes = rng.choice(["family home", "foster placement", "children's home", "supported housing"], n,
                       p=[0.7, 0.12, 0.1, 0.08])
    frame = pd.DataFrame({
        "episode_ref": [f"MIS{seed}-{i + 1:05d}" for i in range(n)], "person_ref": person,
        "reported_at": [_stamp(r) for r in reported],
        "found_at": [_stamp(r + timedelta(hours=float(h))) for r, h in zip(reported, hours)],
        "last_seen_easting": np.round(seen_x).astype(int), "last_seen_northing": np.round(seen_y).astype(int),
        "found_easting": np.where(has_found, np.round(found_x), np.nan),
        "found_northing": np.where(has_found, np.round(found_y), np.nan),
        "risk": rng.choice(["high", "medium", "low", "no-apparent-risk"], n, p=[0.1, 0.55, 0.3, 0.05]),
        "home_type": homes, "flags": np.where(rng.random(n) < 0.05, "county-lines", ""),
    }, columns=MISSING_COLUMNS)
    child, planted = _planted_child(area, first, days, seed, rng)
    frame = pd.concat([frame, child], ignore_index=True).sort_values("reported_at", kind="stable")
    for col in ("found_easting", "found_northing"):
        frame[col] = frame[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return frame.reset_index(drop=True), planted


def _planted_child(area: Area, first: date, days: int, seed: int, rng) -> tuple[pd.DataFrame, dict]:
    """A child missing again and again from a children's home, found at the same flat."""
    hx, hy = area.residential(1, rng)
    fx, fy = area.repair(hx + 1400, hy + 600, hx, hy, rng)
    end = datetime(first.year, first.month, first.day) + timedelta(days=days)
    gaps = np.cumsum(rng.uniform(9, 14, PLANTED_CHILD_EPISODES))
    reported = [end - timedelta(days=float(gaps[-1] - g) + 2.5) for g in gaps]
    ref = f"MP{seed}-C0001"
    rows = []
    for i, when in enumerate(reported):
        at_flat = i % 3 != 1
        px = fx[0] if at_flat else hx[0] + rng.normal(0, 700)
        py = fy[0] if at_flat else hy[0] + rng.normal(0, 700)
        rows.append({
            "episode_ref": f"MIS{seed}-C{i + 1:03d}", "person_ref": ref,
            "reported_at": _stamp(when.replace(hour=21, minute=int(rng.integers(0, 60)))),
            "found_at": _stamp(when.replace(hour=21) + timedelta(hours=float(rng.uniform(9, 30)))),
            "last_seen_easting": round(hx[0] + rng.normal(0, 60)),
            "last_seen_northing": round(hy[0] + rng.normal(0, 60)),
            "found_easting": round(px + rng.normal(0, 40)), "found_northing": round(py + rng.normal(0, 40)),
            "risk": "high" if i >= 3 else "medium", "home_type": "children's home",
            "flags": "cse-concern" if i >= 2 else "",
        })
    frame = pd.DataFrame(rows, columns=MISSING_COLUMNS)
    return frame, {"person_ref": ref, "episodes": frame["episode_ref"].tolist(),
                   "home": (round(float(hx[0])), round(float(hy[0]))), "flat": (round(float(fx[0])), round(float(fy[0])))}


def build(offences: pd.DataFrame, offenders: pd.DataFrame, series: list[dict], area: Area, first: date,
          days: int, seed: int, rng: np.random.Generator) -> PeopleData:
    """Nominals, victim references and missing episodes for the generated offences (whose
    planted RSO's series gets a force ``series_ref``, in place)."""
    end = first + timedelta(days=days - 1)
    nominals = pd.concat([_known_nominals(offenders, end, rng),
                          _population_nominals(max(60, len(offences) // 40), area, seed, end, rng)],
                         ignore_index=True)
    nominals, rso = _plant_rso(nominals, offenders, series, end, rng)
    if rso:                       # the force has linked the planted series, so it can be asked for by reference
        offences.loc[offences["offence_ref"].isin(rso["offences"]), "series_ref"] = rso["series_ref"]
    nominals, breach = _plant_breach(nominals, offenders, offences, area, end, rng)
    victim_refs, victim = _victim_refs(offences, end, seed, rng)
    missing, child = _episodes(area, first, days, seed, rng)
    nominals = nominals.sort_values("nominal_ref", kind="stable").reset_index(drop=True)
    return PeopleData(nominals, missing, victim_refs,
                      {"rso": rso, "breach": breach, "victim": victim, "child": child})

