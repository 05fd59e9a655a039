"""Why two offences scored as they did: every feature in words, with its effect.

A feature's *effect* is how much it moves the score, measured model-agnostically: the
model's log-odds for the pair minus its log-odds with that feature set to the value of a
typical candidate pair. Positive effects argue for a link, negative against; because the
models are monotone in every feature with a known direction, the sign always agrees
with the feature (the same suspect description is never "against"). All variants of all
pairs are scored in one call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import RARITY_COLUMN
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
    if column == RARITY_COLUMN:
        if missing:
            return "MO: nothing recorded for both"
        return ("MO: shares rare behaviours" if value >= 0.5 else "MO: shares some behaviours" if value > 0
                else "MO: no behaviour in common")
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
        unit = " cm" if label.endswith("cm") else (" years" if label == "age" else "")
        label = label.removesuffix(" cm")
        return f"{kind} {label}s {value:g}{unit} apart" if value else f"same {kind} {label}"
    return f"{'same' if value == 1 else 'different'} {kind} {label}"


def explain(model: LinkModel, features: pd.DataFrame, data: LinkageData | None = None,
            i=None, j=None) -> list[dict]:
    """Reasons for each row of ``features`` (one pair per row).

    Returns, per pair, ``{"summary": "1.2 km apart, 2 days apart, entry identical",
    "features": {column: {"value", "text", "effect", "verdict"}}}`` with features ordered
    by the size of their effect; the summary names the strongest recorded ones. A
    feature's effect is the change in log-odds from the model's typical candidate pair's
    value (``model.reference``) to this pair's; the model is monotone in every feature
    with a known direction, so a matching description or a shorter distance is never
    shown against. A feature not recorded for both has no effect. ``verdict`` is "for",
    "against" or "neutral" in the analyst's terms. Every pair's variants are scored in
    one call.
    """
    columns = [c for c in model.columns if c in features.columns]
    base = features.reindex(columns=model.columns).to_numpy(dtype=float)
    if not len(base):
        return []
    where = {c: model.columns.index(c) for c in columns}
    reference = np.array([model.reference.get(c, np.nan) for c in columns])
    variants = np.repeat(base[None, :, :], len(columns) + 1, axis=0)
    for k, col in enumerate(columns, start=1):
        values = variants[k, :, where[col]]
        variants[k, :, where[col]] = np.where(np.isnan(values), values, reference[k - 1])
    stacked = pd.DataFrame(variants.reshape(-1, base.shape[1]), columns=model.columns)
    logits = _logit(model.predict(stacked).astype(float)).reshape(len(columns) + 1, len(base))
    effects = logits[0][None, :] - logits[1:]
    out = []
    for row in range(len(base)):
        pi = None if i is None else int(i[row])
        pj = None if j is None else int(j[row])
        items = {}
        for k in np.argsort(-np.abs(effects[:, row]), kind="stable"):
            col = columns[k]
            value = base[row, where[col]]
            value = None if np.isnan(value) else float(value)
            effect = 0.0 if value is None else float(effects[k, row])
            items[col] = {"value": value, "text": describe(col, np.nan if value is None else value, data, pi, pj),
                          "effect": round(effect, 3), "verdict": verdict(effect)}
        strongest = [v["text"] for c, v in items.items() if v["value"] is not None][:4]
        out.append({"summary": ", ".join(strongest), "features": items})
    return out


#: Effects smaller than this (log-odds) are shown as neutral.
NEUTRAL_EFFECT = 0.05


def verdict(effect: float) -> str:
    """'for', 'against' or 'neutral' for an effect in log-odds."""
    if effect > NEUTRAL_EFFECT:
        return "for"
    if effect < -NEUTRAL_EFFECT:
        return "against"
    return "neutral"
