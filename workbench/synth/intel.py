"""Graded intelligence reports about the synthetic offenders, in the canonical intel CSV.

Most reports are about serial offenders (the more prolific, the more is said about
them): the vehicle they use, their phone, who they associate with, where they keep
stolen property, which offences they are believed to have committed. Some are about
hotspots with no named subject, a few are malicious and graded accordingly. Most are
graded 3x5x2; some legacy reports keep 5x5x5. Every grade is valid for its system.

Phone numbers come from Ofcom's range reserved for drama (07700 900000-900999) first;
vehicle registrations and postcodes are made up in the real formats.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from workbench.synth.places import Area

COLUMNS = ["intel_ref", "recorded_at", "grading", "source_eval", "intel_eval", "handling",
           "handling_conditions", "subjects", "vehicles", "phones", "offences", "easting", "northing",
           "location_desc", "security_marking", "review_date", "text"]

#: Postcode districts per borough (the common ones; a district may straddle boroughs).
POSTCODE_DISTRICTS = {
    "Barking and Dagenham": "IG11 RM8 RM9 RM10", "Barnet": "N3 N11 N12 N20 NW4 NW7 NW9 NW11 EN5 HA8",
    "Bexley": "DA5 DA6 DA7 DA14 DA15 DA16 DA17 SE2", "Brent": "NW2 NW6 NW10 HA0 HA9",
    "Bromley": "BR1 BR2 BR3 BR4 BR5 BR6 BR7 SE20", "Camden": "NW1 NW3 NW5 NW6 WC1H WC1X",
    "City of London": "EC1A EC2V EC3M EC4M EC4V", "Croydon": "CR0 CR2 CR5 CR7 CR8 SE25",
    "Ealing": "W3 W5 W7 W13 UB1 UB2 UB5 UB6", "Enfield": "EN1 EN2 EN3 N9 N13 N14 N18 N21",
    "Greenwich": "SE3 SE7 SE9 SE10 SE18 SE28", "Hackney": "E2 E5 E8 E9 N1 N16",
    "Hammersmith and Fulham": "W6 W12 W14 SW6", "Haringey": "N4 N8 N10 N15 N17 N22",
    "Harrow": "HA1 HA2 HA3 HA5 HA7", "Havering": "RM1 RM2 RM3 RM5 RM7 RM11 RM12 RM13 RM14",
    "Hillingdon": "UB3 UB4 UB7 UB8 UB10 HA4 HA6", "Hounslow": "TW3 TW4 TW5 TW7 TW8 TW13 TW14 W4",
    "Islington": "N1 N4 N5 N7 N19 EC1V", "Kensington and Chelsea": "SW3 SW5 SW7 SW10 W8 W10 W11",
    "Kingston upon Thames": "KT1 KT2 KT3 KT5 KT6 KT9", "Lambeth": "SE11 SE24 SE27 SW2 SW4 SW8 SW9 SW16",
    "Lewisham": "SE4 SE6 SE8 SE12 SE13 SE14 SE23 SE26", "Merton": "SW19 SW20 CR4 SM4",
    "Newham": "E6 E7 E12 E13 E15 E16", "Redbridge": "IG1 IG2 IG3 IG4 IG5 IG6 IG8 E18",
    "Richmond upon Thames": "TW1 TW2 TW9 TW10 TW11 TW12 SW13 SW14", "Southwark": "SE1 SE5 SE15 SE16 SE17 SE21 SE22",
    "Sutton": "SM1 SM2 SM3 SM5 SM6", "Tower Hamlets": "E1 E1W E3 E14", "Waltham Forest": "E4 E10 E11 E17",
    "Wandsworth": "SW11 SW12 SW15 SW17 SW18", "Westminster": "W1 W2 W9 SW1 NW8 WC2",
}
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"
VRM_AGES = ("05", "55", "08", "58", "10", "60", "12", "62", "14", "64", "15", "65", "16", "66", "17", "67",
            "18", "68", "19", "69", "20", "70", "21", "71", "22", "72", "23", "73")
VEHICLES = ("Ford Focus", "Vauxhall Corsa", "Volkswagen Golf", "BMW 3 Series", "Mercedes C-Class",
            "Toyota Prius", "Audi A3", "Ford Transit van", "Honda PCX moped", "Yamaha NMAX moped",
            "Nissan Qashqai", "Kia Sportage", "Ford Fiesta", "Peugeot 208", "Range Rover Evoque")
COLOURS = ("black", "silver", "grey", "white", "blue", "red", "dark green")
CONDITIONS = ("Not to be disseminated outside the BIU without reference to the originator.",
              "Not for use as evidence; do not disclose to the subject.",
              "Sharing with partner agencies only after consultation with the source handler.",
              "Risk to source: do not action without the authority of the DI.")
#: What a report says a serial offender does, by the category of their series.
CRIME = {
    "rape": "sexual offences against lone women", "sexual-assault": "sexual assaults on lone women",
    "exposure": "indecent exposure near schools and parks", "other-sexual": "sexual offences",
    "burglary-residential": "residential burglaries", "burglary-business": "burglaries of shops and offices",
    "robbery-personal": "street robberies of phones", "robbery-business": "robberies of shops and takeaways",
    "theft-from-vehicle": "thefts from vehicles", "theft-of-vehicle": "thefts of cars and mopeds",
}
_SEXUAL_DETAIL = (
    "The subject is reported to follow lone women late at night and to wear a dark hooded top.",
    "The subject is said to frequent late-night bus routes and to approach women on the pretext of "
    "asking the way.")
DETAIL = {
    "sexual": _SEXUAL_DETAIL,
    "burglary": ("The subject is said to force rear doors and windows and to sell jewellery through a "
                 "contact at a local shop.",
                 "The subject is believed to carry a screwdriver and gloves and to target premises left in "
                 "darkness."),
    "robbery": ("The subject is said to carry a knife and to threaten victims before running off.",
                "The subject is believed to use a moped to approach victims and to sell the proceeds the same "
                "day."),
    "vehicle": ("The subject is said to carry a window punch and to target vans for power tools.",
                "The subject is believed to be selling stolen catalytic converters to a scrap dealer."),
}
HOTSPOT_TEXT = (
    "Residents report groups of youths gathering most evenings near {pc}; drug dealing is suspected.",
    "Staff at premises near {pc} report repeated shoplifting by the same group, who leave on bicycles.",
    "Door staff report fights after closing time near {pc}, often involving the same groups.",
    "Commuters report pickpocketing near the station in {pc} during the evening rush hour.",
)
KINDS = ("vehicle", "phone", "association", "offending", "address", "hotspot", "malicious")
KIND_WEIGHTS = (0.18, 0.12, 0.15, 0.27, 0.10, 0.12, 0.06)


def _pick(options, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform choices from ``options`` as an object array."""
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


def _letters(alphabet: str, n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random strings of ``k`` letters from ``alphabet``."""
    out = _pick(list(alphabet), n, rng)
    for _ in range(k - 1):
        out = out + _pick(list(alphabet), n, rng)
    return out


def _postcodes(districts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Full postcodes (``NW1 8YN``) in the given districts."""
    n = len(districts)
    return districts + " " + rng.integers(1, 10, n).astype(str).astype(object) + _letters(POSTCODE_LETTERS, n, 2, rng)


def _districts(boroughs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A postcode district for each borough name (``N1`` outside the table)."""
    out = np.full(len(boroughs), "N1", dtype=object)
    for name, text in POSTCODE_DISTRICTS.items():
        rows = np.flatnonzero(boroughs == name)
        out[rows] = _pick(text.split(), len(rows), rng)
    return out


def _vrms(n: int, rng: np.random.Generator) -> np.ndarray:
    """UK registration marks in the current format, London area code (``LB18 AEA``)."""
    return ("L" + _letters(VRM_LETTERS, n, 1, rng) + _pick(VRM_AGES, n, rng) + " "
            + _letters(VRM_LETTERS, n, 3, rng))


def _phones(n: int, rng: np.random.Generator) -> np.ndarray:
    """Distinct UK mobile numbers, from the drama range while it lasts."""
    drama = np.array([f"07700 900{d:03d}" for d in rng.permutation(1000)], dtype=object)
    if n <= len(drama):
        return drama[:n]
    extra = 700_000_000 + rng.choice(100_000_000, n - len(drama), replace=False)
    return np.concatenate([drama, np.array([f"0{e // 1_000_000} {e % 1_000_000:06d}" for e in extra],
                                           dtype=object)])


def _grades(n: int, malicious: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Grading columns: mostly 3x5x2, some legacy 5x5x5, always valid for their system."""
    legacy = rng.random(n) < 0.15
    src = np.where(legacy, rng.choice(list("ABCDE"), n, p=[0.1, 0.35, 0.3, 0.1, 0.15]),
                   rng.choice(list("123"), n, p=[0.3, 0.55, 0.15]))
    ev = np.where(legacy, rng.choice(list("12345"), n, p=[0.1, 0.3, 0.3, 0.25, 0.05]),
                  rng.choice(list("ABCDE"), n, p=[0.25, 0.3, 0.3, 0.1, 0.05]))
    handling = np.where(legacy, rng.choice(list("12345"), n, p=[0.05, 0.6, 0.1, 0.2, 0.05]),
                        np.where(rng.random(n) < 0.15, "C", "P"))
    src = np.where(malicious, np.where(legacy, "D", "3"), src)
    ev = np.where(malicious, np.where(legacy, "5", "E"), ev)
    conditions = np.where(handling == "C", _pick(CONDITIONS, n, rng), "")
    return {"grading": np.where(legacy, "5x5x5", "3x5x2"), "source_eval": src, "intel_eval": ev,
            "handling": handling, "handling_conditions": conditions}


def _days(text: np.ndarray) -> np.ndarray:
    """ISO dates or date-times as numpy days."""
    return pd.Series(text, dtype=object).str.slice(0, 10).to_numpy().astype("datetime64[D]")


def build(series: list[dict], known: pd.DataFrame, hotspots: list[dict], offences: pd.DataFrame,
          truth: pd.DataFrame, area: Area, start: date, days: int, seed: int,
          rng: np.random.Generator) -> pd.DataFrame:
    """About one report per twelve offences, in the canonical intelligence columns."""
    n = max(20, len(offences) // 12)
    m = len(known)
    kinds = (np.array(KINDS, dtype=object)[rng.choice(len(KINDS), n, p=KIND_WEIGHTS)] if m
             else np.full(n, "hotspot", dtype=object))
    out = {c: np.full(n, "", dtype=object) for c in COLUMNS}
    first, last = np.datetime64(start, "D"), np.datetime64(start, "D") + days - 1
    day = first + rng.integers(0, days, n)

    # Hotspot reports: no named subject, located at a planted hotspot.
    rows = np.flatnonzero(kinds == "hotspot")
    h = rng.integers(0, len(hotspots), len(rows))
    hx = np.array([hs["easting"] for hs in hotspots])[h]
    hy = np.array([hs["northing"] for hs in hotspots])[h]
    pc = _postcodes(_districts(area.borough_of(hx, hy), rng), rng)
    templates = _pick(HOTSPOT_TEXT, len(rows), rng)
    out["text"][rows] = [t.format(pc=p) for t, p in zip(templates, pc)]
    out["easting"][rows] = np.round(hx).astype(int).astype(str)
    out["northing"][rows] = np.round(hy).astype(int).astype(str)
    out["location_desc"][rows] = pc

    rows = np.flatnonzero(kinds != "hotspot")
    if len(rows):
        _about_subjects(out, rows, kinds[rows], day, (first, last), series, known, offences, truth, rng)
    day = np.clip(day, first, last)
    minutes = rng.integers(8 * 60, 20 * 60, n)
    out["recorded_at"] = np.datetime_as_string(day.astype("datetime64[m]") + minutes, unit="m").astype(object)
    out["security_marking"][:] = "OFFICIAL-SENSITIVE"
    review = rng.random(n) < 0.3
    out["review_date"][review] = np.datetime_as_string(day[review] + rng.integers(365, 3 * 365, int(review.sum())),
                                                       unit="D")
    out.update(_grades(n, (kinds == "malicious") & (out["subjects"] != ""), rng))
    frame = pd.DataFrame(out, columns=COLUMNS).sort_values("recorded_at", kind="stable").reset_index(drop=True)
    frame["intel_ref"] = f"IR{seed}-" + np.strings.zfill(np.arange(1, n + 1).astype(str), 6).astype(object)
    return frame


def _about_subjects(out: dict, rows: np.ndarray, kinds: np.ndarray, day: np.ndarray, period: tuple, series: list[dict],
                    known: pd.DataFrame, offences: pd.DataFrame, truth: pd.DataFrame,
                    rng: np.random.Generator) -> None:
    """Fill the reports about named subjects (serial offenders, partners, the odd innocent)."""
    m = len(known)
    size = np.array([s["n"] for s in series], dtype=float)
    j = rng.choice(m, len(rows), p=size / size.sum())
    sid = known["offender_id"].to_numpy(dtype=object)
    partner = known["partner"].to_numpy(dtype=object)
    group = known["group"].to_numpy(dtype=object)
    vrm, phones = _vrms(m, rng), _phones(m, rng)
    vehicle = _pick(COLOURS, m, rng) + " " + _pick(VEHICLES, m, rng)
    districts = _districts(known["borough"].to_numpy(dtype=object), rng)
    pc = _postcodes(districts[j], rng)
    area_name = districts[j]
    who = sid[j]
    category = known["category"].to_numpy(dtype=object)
    crime = np.array([CRIME.get(c, "offending") for c in category], dtype=object)[j]

    # When: around the subject's active period.
    s_first = _days(np.array([s["first"] for s in series], dtype=object))
    s_last = _days(np.array([s["last"] for s in series], dtype=object))
    first, last = period
    lo = np.maximum(s_first[j] - 30, first)
    hi = np.minimum(s_last[j] + 45, last)
    day[rows] = lo + (rng.random(len(rows)) * ((hi - lo).astype(int) + 1)).astype(int)
    jitter = rng.normal(0, 250, (len(rows), 2))
    out["easting"][rows] = np.round(known["easting"].to_numpy()[j] + jitter[:, 0]).astype(int).astype(str)
    out["northing"][rows] = np.round(known["northing"].to_numpy()[j] + jitter[:, 1]).astype(int).astype(str)
    out["location_desc"][rows] = pc
    out["subjects"][rows] = who

    text = np.full(len(rows), "", dtype=object)
    k = kinds == "vehicle"
    out["vehicles"][rows[k]] = vrm[j[k]]
    text[k] = ("Subject " + who[k] + " is believed to be using a " + vehicle[j[k]] + " " + vrm[j[k]]
               + ". The vehicle has been seen parked overnight in the " + area_name[k] + " area.")
    k = kinds == "phone"
    out["phones"][rows[k]] = phones[j[k]]
    text[k] = ("Subject " + who[k] + " is currently using mobile number " + phones[j[k]]
               + " and is said to change handsets often.")
    k = (kinds == "association") & (partner[j] != "")
    out["subjects"][rows[k]] = who[k] + ";" + partner[j[k]]
    text[k] = ("Subject " + who[k] + " has been seen on several occasions in the company of " + partner[j[k]]
               + " near " + pc[k] + ". Both are believed to be involved in " + crime[k] + ".")
    car = k & (rng.random(len(rows)) < 0.5)          # seen together in the subject's vehicle
    out["vehicles"][rows[car]] = vrm[j[car]]
    text[car] = text[car] + " They travel together in " + vrm[j[car]] + "."
    k = kinds == "address"
    text[k] = ("Subject " + who[k] + " is believed to be storing stolen property at an address in " + pc[k]
               + " and to visit it late in the evening.")

    solved_one_offs = offences["offender_ids"].to_numpy(dtype=object)[
        (truth["series_id"].to_numpy() == "") & (offences["status"].to_numpy() == "solved")]
    k = (kinds == "malicious") & (len(solved_one_offs) > 0)
    if k.any():
        innocent = pd.Series(_pick(solved_one_offs, int(k.sum()), rng)).str.split(";").str[0].to_numpy(dtype=object)
        out["subjects"][rows[k]] = innocent
        text[k] = ("Subject " + innocent + " is alleged to be responsible for " + crime[k] + " in the "
                   + area_name[k] + " area. The source is believed to have a grievance against the subject.")

    # The rest: offending reports naming one to three consecutive offences of the series.
    k = text == ""
    if k.any():
        _offending(out, rows[k], j[k], who[k], crime[k], area_name[k], group[j[k]], day, last, series, truth, rng)
    out["text"][rows[~k]] = text[~k]


def _offending(out, rows, j, who, crime, area_name, group, day, last, series, truth, rng) -> None:
    """Reports tying subjects to offences of their own series, dated after the last one
    (within a month, and within the period)."""
    refs = [s["offences"] for s in series]
    sizes = np.array([len(r) for r in refs])
    flat = np.array([r for rs in refs for r in rs], dtype=object)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    take = np.minimum(rng.integers(1, 4, len(rows)), sizes[j])
    first = starts[j] + (rng.random(len(rows)) * (sizes[j] - take + 1)).astype(int)
    named = np.full(len(rows), "", dtype=object)
    for step in range(3):
        has = step < take
        named[has] = named[has] + ("" if step == 0 else ";") + flat[first[has] + step]
    latest = flat[first + take - 1]
    at = pd.Index(truth["offence_ref"]).get_indexer(latest)
    latest_day = _days(truth["true_time"].to_numpy(dtype=object)[at])
    room = np.clip((last - latest_day).astype(int), 0, 29)
    day[rows] = latest_day + np.minimum(1 + (rng.random(len(rows)) * room).astype(int), room)
    detail = np.full(len(rows), "", dtype=object)
    for name, phrases in DETAIL.items():
        mine = np.flatnonzero(group == name)
        detail[mine] = _pick(phrases, len(mine), rng)
    out["offences"][rows] = named
    listed = pd.Series(named).str.replace(";", ", ").to_numpy(dtype=object)
    text = ("Subject " + who + " is believed to be responsible for " + crime + " in the " + area_name
            + " area, including " + listed + ". " + detail)
    out["text"][rows] = pd.Series(text).str.strip().to_numpy(dtype=object)
