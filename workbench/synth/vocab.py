"""Modus operandi vocabularies per crime group and behavioural domain.

Each domain is either ``one`` (exactly one behaviour, e.g. how a burglar searched: tidy
or untidy) or ``set`` (any combination, e.g. what a burglar took). The probabilities are
how common a behaviour is in the whole offending population; serial offenders draw a
personal profile from them and then repeat it with noise (see ``offences.py``). Rare
behaviours shared by two offences are what makes MO similarity informative for linkage,
so every domain mixes common and rare behaviours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """One behavioural domain: the CSV column ``mo_<name>`` and its behaviours."""

    name: str
    kind: str                      # 'one' or 'set'
    behaviours: tuple[str, ...]
    weights: tuple[float, ...]     # 'one': relative weights; 'set': probability of each
    recorded: float = 0.92         # share of offences where the domain was recorded at all


def _d(name, kind, pairs, recorded=0.92):
    return Domain(name, kind, tuple(p[0] for p in pairs), tuple(float(p[1]) for p in pairs), recorded)


MO: dict[str, tuple[Domain, ...]] = {
    "sexual": (
        _d("approach", "one", [("con", 0.35), ("surprise", 0.45), ("blitz", 0.20)]),
        _d("control", "set", [("threats", 0.45), ("weapon", 0.15), ("restraint", 0.25),
                              ("violence", 0.30), ("gag", 0.06), ("blindfold", 0.04)]),
        _d("sexual_acts", "set", [("touching", 0.70), ("kissing", 0.30), ("vaginal", 0.25),
                                  ("oral", 0.18), ("anal", 0.07), ("digital", 0.20),
                                  ("masturbation", 0.15)], 0.85),
        _d("verbal", "set", [("compliments", 0.20), ("sexual language", 0.35), ("apology", 0.08),
                             ("demands", 0.40), ("personal questions", 0.15), ("reassurance", 0.10)], 0.80),
        _d("precautions", "set", [("gloves", 0.08), ("condom", 0.15), ("removed evidence", 0.06),
                                  ("disguise", 0.10), ("wiped surfaces", 0.04), ("victim told to wash", 0.03)], 0.75),
        _d("escape", "one", [("on foot", 0.70), ("vehicle", 0.12), ("bicycle", 0.08),
                             ("public transport", 0.10)], 0.85),
    ),
    "burglary": (
        _d("entry", "one", [("rear window", 0.22), ("front door", 0.28), ("side door", 0.08),
                            ("patio door", 0.14), ("rear door", 0.16), ("front window", 0.07),
                            ("skylight", 0.02), ("garage", 0.03)]),
        _d("method", "set", [("forced", 0.50), ("insecure", 0.25), ("key", 0.05), ("climbed", 0.10),
                             ("lock snapped", 0.12), ("glass smashed", 0.15), ("tools", 0.20),
                             ("letterbox fishing", 0.03)]),
        _d("search", "one", [("tidy", 0.40), ("untidy", 0.60)], 0.85),
        _d("property", "set", [("cash", 0.40), ("jewellery", 0.35), ("electronics", 0.45),
                               ("keys/car", 0.10), ("handbag", 0.12), ("bank cards", 0.15),
                               ("watches", 0.08), ("passports", 0.04)]),
        _d("premises", "one", [("terraced house", 0.30), ("flat", 0.35), ("semi-detached", 0.15),
                               ("detached", 0.05), ("maisonette", 0.10), ("shop", 0.03),
                               ("office", 0.02)], 0.97),
    ),
    "robbery": (
        _d("approach", "one", [("con", 0.20), ("surprise", 0.50), ("blitz", 0.30)]),
        _d("weapon", "one", [("none", 0.45), ("knife", 0.30), ("implied weapon", 0.12),
                             ("blunt instrument", 0.07), ("firearm", 0.03), ("noxious substance", 0.03)]),
        _d("target_property", "set", [("phone", 0.65), ("cash", 0.30), ("wallet/purse", 0.25),
                                      ("bag", 0.15), ("jewellery", 0.10), ("bicycle", 0.05),
                                      ("moped", 0.04), ("till takings", 0.06)]),
        _d("violence", "set", [("pushed", 0.30), ("punched", 0.25), ("kicked", 0.10),
                               ("threatened", 0.55), ("grabbed", 0.35)], 0.85),
        _d("escape", "one", [("on foot", 0.60), ("moped", 0.15), ("bicycle", 0.15), ("vehicle", 0.10)], 0.85),
    ),
    "vehicle": (
        _d("method", "set", [("window smashed", 0.45), ("lock forced", 0.15), ("insecure", 0.15),
                             ("keyless relay", 0.08), ("tools", 0.12), ("number plates taken", 0.06),
                             ("catalytic converter cut", 0.06)]),
        _d("property", "set", [("sat nav", 0.10), ("tools", 0.25), ("cash", 0.15), ("bag", 0.25),
                               ("electronics", 0.20), ("vehicle", 0.25), ("parts", 0.12),
                               ("documents", 0.05)]),
        _d("target_vehicle", "one", [("car", 0.70), ("van", 0.20), ("motorcycle", 0.07), ("moped", 0.03)], 0.95),
    ),
    "theft": (
        _d("method", "one", [("distraction", 0.25), ("pickpocket", 0.40), ("snatch", 0.25),
                             ("bag slashing", 0.05), ("cut lock", 0.05)], 0.80),
    ),
    "violence": (
        _d("weapon", "one", [("none", 0.70), ("bottle/glass", 0.10), ("knife", 0.08),
                             ("blunt instrument", 0.07), ("feet", 0.05)], 0.85),
    ),
}

#: Which MO group a category uses (categories not listed carry no MO).
MO_GROUP = {
    "rape": "sexual", "sexual-assault": "sexual", "exposure": "sexual", "other-sexual": "sexual",
    "burglary-residential": "burglary", "burglary-business": "burglary",
    "robbery-personal": "robbery", "robbery-business": "robbery",
    "theft-from-vehicle": "vehicle", "theft-of-vehicle": "vehicle",
    "theft-from-person": "theft", "bicycle-theft": "theft",
    "violence-with-injury": "violence", "violence-without-injury": "violence",
}


def mo_columns() -> list[str]:
    """Every ``mo_<domain>`` column, in a stable order (domains shared by groups once)."""
    out: list[str] = []
    for domains in MO.values():
        for d in domains:
            if f"mo_{d.name}" not in out:
                out.append(f"mo_{d.name}")
    return out


VICTIM_COLUMNS = ["victim_sex", "victim_age"]
SUSPECT_COLUMNS = ["suspect_sex", "suspect_age_band", "suspect_height_cm", "suspect_build",
                   "suspect_ethnicity_code"]

AGE_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55+")
AGE_BAND_EDGES = (18, 25, 35, 45, 55)
BUILDS = ("slim", "medium", "athletic", "stocky", "heavy")
BUILD_WEIGHTS = (0.30, 0.35, 0.12, 0.15, 0.08)
#: Police identity codes (IC) as officers record a suspect's appearance.
ETHNICITY_CODES = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6")
ETHNICITY_WEIGHTS = (0.42, 0.08, 0.28, 0.14, 0.03, 0.05)

#: Location descriptions per location type (free text beside the typed location).
LOCATION_DESCS = {
    "dwelling": ("ground-floor flat", "terraced house", "first-floor flat", "house, rear garden",
                 "basement flat", "maisonette", "semi-detached house", "flat, communal hallway"),
    "street": ("pavement outside", "junction with", "footpath beside", "alleyway off",
               "bus stop on", "outside the shops on"),
    "park": ("footpath in", "playing fields by", "car park of", "woodland edge of"),
    "transport": ("station entrance", "station platform", "bus station", "underground ticket hall",
                  "on a bus near"),
    "commercial": ("supermarket", "convenience store", "pub", "takeaway", "high-street shop",
                   "bar", "betting shop", "petrol station"),
    "car park": ("multi-storey car park", "residents' parking bay", "supermarket car park",
                 "on-street parking on"),
}

STREET_STEMS = ("Albion", "Victoria", "Church", "Station", "Park", "Mill", "King", "Queen",
                "Grove", "Manor", "Highfield", "Elm", "Cedar", "Oak", "Ash", "Chestnut",
                "Willow", "Beech", "Holly", "Ivy", "Market", "Bridge", "Canal", "Wharf",
                "Chapel", "Priory", "Abbey", "Hill", "Warwick", "Stanley", "Windsor",
                "Clarence", "Cromwell", "Nelson", "Wellington", "Gladstone", "Milton",
                "Shelley", "Byron", "Tennyson", "Ruskin", "Morris", "Darwin", "Faraday",
                "Newton", "Fleet", "Crown", "Rose", "Primrose", "Lavender", "Hazel", "Rowan")
STREET_KINDS = ("Road", "Street", "Avenue", "Gardens", "Close", "Lane", "Place", "Terrace",
                "Grove", "Way", "Crescent", "Square")
