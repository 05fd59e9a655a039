"""Why two offences scored as they did: every feature in words, with its effect.

A feature's *effect* is how much it moves the score, measured model-agnostically: the
model's log-odds for the pair minus its log-odds with that feature treated as not
recorded. Positive effects argue for a link, negative against. All variants of a pair
are scored in one call, so explaining the top 10 candidates costs 10 small predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.linkage.dataset import LinkageData
from workbench.linkage.model import LinkModel, _logit


def _label(column: str) -> str:
    return column.split("_", 1)[1].replace("_", " ")


def describe(column: str, value: float, data: LinkageData | None = None, i: int | None = None,
             j: int | None = None) -> str:
    """One feature value in an analyst's words.

    >>> describe("distance_m", 1234.0)
    '1.2 km apart'
    >>> describe("days_apart", 2.0)
    '2 days apart'
    """
    missing = value is None or (isinstance(value, float) and np.isnan(value))
    if column == "distance_m":
        return f"{value / 1000:.1f} km apart" if value >= 1000 else f"{value:.0f} m apart"
    if column == "days_apart":
        if value < 1:
            return f"{value * 24:.0f} hours apart"
        return f"{value:.0f} day{'s' if round(value) != 1 else ''} apart"
    if column == "hours_apart":
        return "same time of day" if value < 0.75 else f"times of day about {value:.1f} h apart"
    if column == "weekdays_apart":
        return "same day of the week" if value < 0.5 else f"days of the week about {value:.1f} days apart"
    if column == "same_category":
        return "same category" if value == 1 else "different categories"
    if column == "same_location_type":
        if missing:
            return "location type not recorded for both"
        return "same location type" if value == 1 else "different location types"
    label = _label(column)
    if column.startswith("mo_"):
        if missing:
            return f"{label}: not recorded for both"
        if value == 1:
            return f"{label} identical"
        if value == 0:
            return f"{label}: nothing in common"
        if data is not None and i is not None and j is not None:
            a, b = data.mo_sets(column[3:], i), data.mo_sets(column[3:], j)
            return f"{label}: {len(a & b)} of {len(a | b)} behaviours shared"
        return f"{label}: {value:.0%} similar"
    kind = column.split("_", 1)[0]
    if missing:
        return f"{kind} {label}: not recorded for both"
    attr = next((a for a in (data.attributes if data is not None else []) if a.column == column), None)
    if (attr is not None and attr.numeric) or (attr is None and value not in (0, 1)):
        return f"{kind} {label}: {value:g} apart"
    return f"{kind} {label}: {'same' if value == 1 else 'different'}"


def explain(model: LinkModel, features: pd.DataFrame, data: LinkageData | None = None,
            i=None, j=None) -> list[dict]:
    """Reasons for each row of ``features`` (one pair per row).

    Returns, per pair, ``{"summary": "1.2 km apart, 2 days apart, entry identical",
    "features": {column: {"value", "text", "effect"}}}`` with features ordered by the
    size of their effect; the summary names the strongest recorded ones.
    """
    columns = [c for c in model.columns if c in features.columns]
    out = []
    for row in range(len(features)):
        base = features.iloc[[row]].reindex(columns=model.columns)
        variants = pd.concat([base] * (len(columns) + 1), ignore_index=True)
        for k, col in enumerate(columns, start=1):
            variants.loc[k, col] = np.nan
        logits = _logit(model.predict(variants).astype(float))
        effects = logits[0] - logits[1:]
        pi = None if i is None else int(i[row])
        pj = None if j is None else int(j[row])
        items = {}
        for col, effect in sorted(zip(columns, effects), key=lambda ce: -abs(ce[1])):
            value = base[col].iloc[0]
            value = None if pd.isna(value) else float(value)
            items[col] = {"value": value, "text": describe(col, np.nan if value is None else value, data, pi, pj),
                          "effect": round(float(effect), 3)}
        strongest = [v["text"] for c, v in items.items() if v["value"] is not None][:4]
        out.append({"summary": ", ".join(strongest), "features": items})
    return out
