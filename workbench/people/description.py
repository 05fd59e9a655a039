"""Does a nominal match a suspect description?

Descriptions come from the offence CSV's ``suspect_*`` columns (sex, age band, height,
build, identity code) and are noisy: victims guess heights to about 5 cm, misjudge age
by a band, and see build and identity code wrongly now and then. So a comparison
counts each attribute as *matched*, *close* (an adjacent age band, a height within
:data:`HEIGHT_CLOSE_CM`) or *mismatched*, and only sex is a hard exclusion. A series'
description is the commonest value of each attribute over its offences (the median
height), which washes out one witness's error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from workbench.domain.people import AGE_BANDS, age_band, age_on

ATTRIBUTES = ("sex", "age_band", "height_cm", "build", "ethnicity_code")
ATTRIBUTE_LABELS = {"sex": "sex", "age_band": "age band", "height_cm": "height", "build": "build",
                    "ethnicity_code": "identity code"}
HEIGHT_MATCH_CM = 7.5
HEIGHT_CLOSE_CM = 12.5


@dataclass
class Comparison:
    """How a nominal compares with a description, attribute by attribute."""

    matched: list[str] = field(default_factory=list)
    close: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return len(self.matched) + len(self.close) + len(self.mismatched)

    @property
    def excluded(self) -> bool:
        """A different sex rules the nominal out."""
        return "sex" in self.mismatched

    @property
    def score(self) -> float:
        """Share of compared attributes that match (close ones count half); 0.5 when
        nothing could be compared (no evidence either way)."""
        if not self.compared:
            return 0.5
        return (len(self.matched) + 0.5 * len(self.close)) / self.compared

    def matches(self, threshold: float, attributes: int) -> bool:
        """Sex agrees, at least ``attributes`` were compared and the score reaches ``threshold``."""
        return not self.excluded and self.compared >= attributes and self.score >= threshold

    def as_json(self) -> dict:
        return {"matched": self.matched, "close": self.close, "mismatched": self.mismatched,
                "score": round(self.score, 3)}


def combined(descriptions: pd.DataFrame) -> dict:
    """One description from the suspect features of one or more offences
    (rows ``name``, ``value`` as :func:`workbench.store.offences.load_features` gives)."""
    out: dict = {}
    for name in ATTRIBUTES:
        values = [str(v).strip() for v in descriptions.loc[descriptions["name"] == name, "value"] if str(v).strip()]
        if not values:
            continue
        if name == "height_cm":
            numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
            if len(numbers):
                out[name] = float(numbers.median())
        else:
            out[name] = Counter(v.upper() if name in ("sex", "ethnicity_code") else v.lower()
                                for v in values).most_common(1)[0][0]
    return out


def compare(nominal: dict, description: dict, on: date) -> Comparison:
    """Compare ``nominal`` (a row of :func:`workbench.store.people.load_nominals`) with a
    description from :func:`combined`, the nominal's age taken on ``on``."""
    result = Comparison()

    def put(name: str, verdict: str) -> None:
        getattr(result, verdict).append(name)

    if description.get("sex") and nominal.get("sex"):
        put("sex", "matched" if description["sex"] == nominal["sex"] else "mismatched")
    band = age_band(age_on(nominal.get("date_of_birth"), on))
    if description.get("age_band") in AGE_BANDS and band:
        gap = abs(AGE_BANDS.index(description["age_band"]) - AGE_BANDS.index(band))
        put("age_band", "matched" if gap == 0 else "close" if gap == 1 else "mismatched")
    height = nominal.get("height_cm")
    if description.get("height_cm") is not None and height is not None and pd.notna(height):
        gap = abs(float(description["height_cm"]) - float(height))
        put("height_cm", "matched" if gap <= HEIGHT_MATCH_CM else "close" if gap <= HEIGHT_CLOSE_CM else "mismatched")
    for name in ("build", "ethnicity_code"):
        if description.get(name) and nominal.get(name) and nominal.get(name) != "IC0":
            put(name, "matched" if description[name] == nominal[name] else "mismatched")
    return result
