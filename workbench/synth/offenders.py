"""Offenders and victims: who they are and how witnesses describe them.

People are drawn in bulk as numpy arrays. A serial offender's true appearance is fixed;
each victim's description of them is noisy (heights guessed to the nearest 5 cm, age
bands misjudged, builds and identity codes sometimes wrong, details missing), which is
what makes descriptions informative but imperfect for linkage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.synth.vocab import AGE_BAND_EDGES, AGE_BANDS, BUILD_WEIGHTS, BUILDS, ETHNICITY_CODES, ETHNICITY_WEIGHTS

#: (share male, mean age, sd age, minimum age) of offenders per crime group.
OFFENDER_AGES = {
    "sexual": (0.98, 32.0, 11.0, 15), "burglary": (0.90, 25.0, 8.0, 14),
    "robbery": (0.93, 19.5, 5.0, 13), "vehicle": (0.95, 24.0, 7.0, 14),
    "other": (0.78, 28.0, 10.0, 12),
}

#: (share female, mean age, sd age) of victims per victim model.
VICTIM_MODELS = {
    "sexual": (0.88, 24.0, 8.0), "robbery": (0.25, 22.0, 8.0),
    "person": (0.50, 36.0, 14.0), "violence": (0.35, 30.0, 11.0),
}


@dataclass
class People:
    """Appearance of a set of people as parallel arrays."""

    male: np.ndarray
    age: np.ndarray
    height: np.ndarray
    build: np.ndarray       # index into BUILDS
    ethnicity: np.ndarray   # index into ETHNICITY_CODES

    @classmethod
    def draw(cls, group: str, n: int, rng: np.random.Generator) -> People:
        share_male, mean, sd, lowest = OFFENDER_AGES.get(group, OFFENDER_AGES["other"])
        male = rng.random(n) < share_male
        age = np.maximum(lowest, np.round(rng.normal(mean, sd, n))).astype(int)
        height = np.where(male, rng.normal(176, 7, n), rng.normal(163, 6, n))
        build = rng.choice(len(BUILDS), n, p=np.array(BUILD_WEIGHTS) / sum(BUILD_WEIGHTS))
        ethnicity = rng.choice(len(ETHNICITY_CODES), n, p=np.array(ETHNICITY_WEIGHTS) / sum(ETHNICITY_WEIGHTS))
        return cls(male, age, height, build, ethnicity)

    def take(self, index: np.ndarray) -> People:
        return People(self.male[index], self.age[index], self.height[index], self.build[index],
                      self.ethnicity[index])

    @staticmethod
    def concat(parts: list[People]) -> People:
        return People(*(np.concatenate([getattr(p, f) for p in parts])
                        for f in ("male", "age", "height", "build", "ethnicity")))


def age_band(age: np.ndarray) -> np.ndarray:
    """Age bands as officers record them (``18-24`` ...)."""
    return np.array(AGE_BANDS)[np.searchsorted(AGE_BAND_EDGES, age, side="right")]


def describe(people: People, seen: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Suspect description columns as victims give them; empty where nobody saw the offender."""
    n = len(seen)
    male = np.where(rng.random(n) < 0.97, people.male, ~people.male)
    age = people.age + rng.normal(0, 4.5, n)
    height = np.round((people.height + rng.normal(0, 6, n)) / 5) * 5
    build = np.where(rng.random(n) < 0.72, people.build, rng.integers(0, len(BUILDS), n))
    ethnicity = np.where(rng.random(n) < 0.90, people.ethnicity,
                         rng.choice(len(ETHNICITY_CODES), n, p=np.array(ETHNICITY_WEIGHTS)))
    values = {
        "suspect_sex": np.where(male, "M", "F"),
        "suspect_age_band": age_band(age),
        "suspect_height_cm": height.astype(int).astype(str),
        "suspect_build": np.array(BUILDS)[build],
        "suspect_ethnicity_code": np.array(ETHNICITY_CODES)[ethnicity],
    }
    missing_rate = {"suspect_sex": 0.02, "suspect_age_band": 0.10, "suspect_height_cm": 0.25,
                    "suspect_build": 0.30, "suspect_ethnicity_code": 0.12}
    return {col: np.where(seen & (rng.random(n) >= missing_rate[col]), v.astype(object), "")
            for col, v in values.items()}


def victim_preferences(model: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each serial offender's preferred victim: (female?, preferred age)."""
    female_share, mean, sd = VICTIM_MODELS[model]
    female = rng.random(n) < female_share
    age = np.clip(rng.normal(mean, sd, n), 14, 80)
    return female, age


def victims(model: str, n: int, rng: np.random.Generator, pref_female=None, pref_age=None) -> dict[str, np.ndarray]:
    """Victim sex and age: from the population, or near an offender's preference."""
    female_share, mean, sd = VICTIM_MODELS[model]
    female = rng.random(n) < female_share
    age = rng.normal(mean, sd, n)
    if pref_female is not None:
        keep = rng.random(n) < 0.92
        female = np.where(keep, pref_female, female)
        age = np.where(rng.random(n) < 0.85, rng.normal(pref_age, 4.0), age)
    lowest = 14 if model == "sexual" else 10
    age = np.clip(np.round(age), lowest, 90).astype(int)
    return {"victim_sex": np.where(female, "F", "M").astype(object), "victim_age": age.astype(str).astype(object)}
