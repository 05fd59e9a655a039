"""Pairwise linkage features for many pairs at once (numpy, no loop per pair).

For pairs (i, j) of positions into a :class:`LinkageData`:

=====================  ==================================================================
column                 meaning
=====================  ==================================================================
``distance_m``         straight-line distance (metres, British National Grid)
``days_apart``         expected absolute difference of the times (days, uncertain windows)
``hours_apart``        expected circular difference in time of day (0-12 hours)
``weekdays_apart``     expected circular difference in day of week (0-3.5 days)
``mo_<domain>``        Jaccard similarity of the two behaviour sets of an MO domain
                       (a single behaviour each: 1 match, 0 mismatch)
``mo_rarity``          rarity-weighted similarity over every MO domain: shared behaviours
                       weigh their rarity (log of how few offences show them), so a shared
                       rare behaviour counts more than a shared common one
``victim_<attr>``,     categorical: 1 same, 0 different; numeric: absolute difference
``suspect_<attr>``
``same_category``      1 same category, 0 different
``same_location_type`` 1 same location type, 0 different
=====================  ==================================================================

Missing is explicit: when either offence lacks a value the feature is NaN (never 0
similarity); models handle NaN (gradient boosting natively, logistic regression via
missing-value indicators).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.linkage import timewindows as tw
from workbench.linkage.dataset import LinkageData

BASE_COLUMNS = ("distance_m", "days_apart", "hours_apart", "weekdays_apart")
RARITY_COLUMN = "mo_rarity"
TAIL_COLUMNS = ("same_category", "same_location_type")
#: Pairs are processed in chunks of this many so memory stays flat at any scale.
CHUNK = 250_000


def feature_columns(data: LinkageData) -> list[str]:
    """The feature columns ``data`` supports, in a stable order."""
    rarity = [RARITY_COLUMN] if data.mo else []
    return (list(BASE_COLUMNS) + [f"mo_{d}" for d in sorted(data.mo)] + rarity
            + [a.column for a in data.attributes] + list(TAIL_COLUMNS))


@dataclass
class Profiles:
    """Per-offence precomputations reused for every chunk of pairs: cyclic time profiles,
    and the MO domains that fit one 64-bit word stacked side by side (with their set
    sizes), so all their Jaccard similarities come from one vectorised popcount."""

    hour: np.ndarray
    hour_weighted: np.ndarray
    weekday: np.ndarray
    weekday_weighted: np.ndarray
    mo_domains: list[str]          # the stacked (single-word) domains, in column order
    mo_stack: np.ndarray           # (n, len(mo_domains)) uint64
    mo_size: np.ndarray            # (n, len(mo_domains)) behaviours recorded
    group_code: np.ndarray         # (n,) crime group as an integer
    group_domains: np.ndarray      # (groups, len(mo_domains)) True where the group records the domain
    category_code: np.ndarray      # (n,) category as an integer
    rarity_tables: np.ndarray      # (len(mo_domains), 8, 256) rarity weight of each byte of a mask

    @classmethod
    def of(cls, data: LinkageData) -> Profiles:
        hour = tw.hour_profile(data.t_from, data.t_to)
        weekday = tw.weekday_profile(data.t_from, data.t_to)
        domains = [d for d in sorted(data.mo) if data.mo[d].shape[1] == 1]
        stack = (np.concatenate([data.mo[d] for d in domains], axis=1) if domains
                 else np.zeros((len(data), 0), dtype=np.uint64))
        size = np.bitwise_count(stack).astype(np.int16)
        group_code, groups = pd.factorize(data.group)
        group_domains = np.zeros((len(groups), len(domains)), dtype=bool)
        np.logical_or.at(group_domains, group_code, size > 0)
        return cls(hour, hour @ tw.cyclic_distance_matrix(24), weekday, weekday @ tw.cyclic_distance_matrix(7),
                   domains, stack, size, group_code, group_domains, pd.factorize(data.category)[0],
                   rarity_tables(stack))


def rarity_tables(stack: np.ndarray) -> np.ndarray:
    """Per stacked domain, the summed rarity weight of every value of every byte of a
    mask: a behaviour shown by k of n offences (that record the domain) weighs
    ln((n + 1) / (k + 1)), so 8 table look-ups give the weight of any set."""
    tables = np.zeros((stack.shape[1], 8, 256), dtype=np.float32)
    for d in range(stack.shape[1]):
        col = stack[:, d]
        tables[d] = byte_tables(rarity_weights(bit_counts(col), float(np.count_nonzero(col))))
    return tables


def bit_counts(masks: np.ndarray) -> np.ndarray:
    """How many of ``masks`` have each of the 64 bits set."""
    return np.array([np.count_nonzero(masks & (np.uint64(1) << np.uint64(b))) for b in range(64)], dtype=float)


def rarity_weights(shown, recorded) -> np.ndarray:
    """ln((n + 1) / (k + 1)) for a behaviour shown by k of the n offences recording it (0
    for a behaviour nobody shows)."""
    shown = np.asarray(shown, float)
    return np.where(shown > 0, np.log((np.asarray(recorded, float) + 1.0) / (shown + 1.0)), 0.0)


def byte_tables(weight: np.ndarray) -> np.ndarray:
    """(8, 256) float32: the summed ``weight`` (one per bit of a 64-bit mask) of every value
    of every byte, so :func:`mask_weight` needs 8 look-ups per mask."""
    values = np.arange(256, dtype=np.uint64)
    on = ((values[:, None] >> np.arange(8, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(np.float32)
    return np.stack([on @ np.asarray(weight[8 * byte: 8 * byte + 8], np.float32) for byte in range(8)])


def mask_weight(tables: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """The summed weight of the bits of each mask (``tables`` from :func:`byte_tables`)."""
    out = np.zeros(len(masks), dtype=np.float32)
    for byte in range(8):
        out += tables[byte][((masks >> np.uint64(8 * byte)) & np.uint64(255)).astype(np.intp)]
    return out


def rarity_similarity(profiles: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Rarity-weighted similarity of the pairs over all stacked MO domains: the weight of
    the behaviours both show over the weight of those either shows (NaN when the two
    offences have no MO domain recorded in common)."""
    inter = np.zeros(len(i), dtype=np.float32)
    union = np.zeros(len(i), dtype=np.float32)
    both = np.zeros(len(i), dtype=bool)
    present = np.flatnonzero(np.bincount(profiles.group_code[i], minlength=len(profiles.group_domains)))
    for d in np.flatnonzero(profiles.group_domains[present].any(axis=0)):
        a, b = profiles.mo_stack[i, d], profiles.mo_stack[j, d]
        recorded = (profiles.mo_size[i, d] > 0) & (profiles.mo_size[j, d] > 0)
        inter += np.where(recorded, mask_weight(profiles.rarity_tables[d], a & b), 0.0)
        union += np.where(recorded, mask_weight(profiles.rarity_tables[d], a | b), 0.0)
        both |= recorded
    with np.errstate(invalid="ignore", divide="ignore"):
        out = inter / union
    out[~both | (union <= 0)] = np.nan
    return out.astype(np.float32)


def stacked_jaccard(profiles: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(pairs, domains) Jaccard similarities of the stacked domains; NaN where either
    offence recorded nothing in a domain."""
    out = np.full((len(i), len(profiles.mo_domains)), np.nan, dtype=np.float32)
    # only domains the pairs' crime groups record at all (the rest stay NaN): a burglary
    # pair need not compute the sexual-offence domains
    present = np.flatnonzero(np.bincount(profiles.group_code[i], minlength=len(profiles.group_domains)))
    for d in np.flatnonzero(profiles.group_domains[present].any(axis=0)):
        a, b = profiles.mo_stack[i, d], profiles.mo_stack[j, d]
        size_a, size_b = profiles.mo_size[i, d], profiles.mo_size[j, d]
        inter = np.bitwise_count(a & b).astype(np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            col = inter / (size_a + size_b - inter)
        col[(size_a == 0) | (size_b == 0)] = np.nan
        out[:, d] = col
    return out


def jaccard(masks: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Jaccard similarity of bit-mask sets; NaN where either set is empty (not recorded).

    >>> m = np.array([[0b011], [0b110], [0]], dtype=np.uint64)
    >>> jaccard(m, np.array([0, 0]), np.array([1, 2])).tolist()
    [0.3333333432674408, nan]
    """
    a, b = masks[i], masks[j]
    inter = np.bitwise_count(a & b).sum(axis=1, dtype=np.int32)
    union = np.bitwise_count(a | b).sum(axis=1, dtype=np.int32)
    size_a = np.bitwise_count(a).sum(axis=1)
    size_b = np.bitwise_count(b).sum(axis=1)
    out = np.full(len(i), np.nan, dtype=np.float32)
    both = (size_a > 0) & (size_b > 0)
    out[both] = inter[both] / union[both]
    return out


def _match(codes: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    a, b = codes[i], codes[j]
    out = (a == b).astype(np.float32)
    out[(a < 0) | (b < 0)] = np.nan
    return out


def pair_features(data: LinkageData, i, j, profiles: Profiles | None = None,
                  columns: list[str] | None = None) -> pd.DataFrame:
    """Feature frame (one row per pair) for positions ``i`` and ``j``."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    profiles = profiles or Profiles.of(data)
    cols = {}
    cols["distance_m"] = np.hypot(data.x[i] - data.x[j], data.y[i] - data.y[j]).astype(np.float32)
    cols["days_apart"] = tw.expected_abs_diff(data.t_from[i], data.t_to[i], data.t_from[j], data.t_to[j]).astype(np.float32)
    cols["hours_apart"] = tw.expected_cyclic_diff(profiles.hour_weighted[i], profiles.hour[j])
    cols["weekdays_apart"] = tw.expected_cyclic_diff(profiles.weekday_weighted[i], profiles.weekday[j])
    stacked = dict(zip(profiles.mo_domains, stacked_jaccard(profiles, i, j).T))
    for domain in sorted(data.mo):
        cols[f"mo_{domain}"] = stacked[domain] if domain in stacked else jaccard(data.mo[domain], i, j)
    if data.mo:
        cols[RARITY_COLUMN] = rarity_similarity(profiles, i, j)
    for attr in data.attributes:
        if attr.numeric:
            cols[attr.column] = np.abs(attr.values[i] - attr.values[j]).astype(np.float32)
        else:
            cols[attr.column] = _match(attr.values, i, j)
    cols["same_category"] = (profiles.category_code[i] == profiles.category_code[j]).astype(np.float32)
    cols["same_location_type"] = _match(data.location_type, i, j)
    frame = pd.DataFrame(cols)
    if columns is not None:
        frame = frame.reindex(columns=columns)
    return frame


def iter_chunks(pairs: np.ndarray, size: int = CHUNK):
    """(start, stop) bounds of chunks over ``pairs``."""
    for start in range(0, len(pairs), size):
        yield start, min(len(pairs), start + size)
