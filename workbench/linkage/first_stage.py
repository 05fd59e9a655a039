"""The cheap first stage: which pairs of a wide search window the full model scores.

A window learned to hold 99% of a group's known linked pairs can hold hundreds of
millions of pairs at force scale, too many to featurise and score with the full model.
The first stage looks at every pair that could pass, chunk by chunk
(:mod:`workbench.linkage.sweep`), and scores it with a small logistic model on what is
cheap to compare for millions of pairs (:data:`COLUMNS`):

- ``log_km``, ``log_days``: ln(1 + km apart), ln(1 + days between the time windows),
  and their product (far apart in space *and* time is less likely than either alone);
- ``mo``: rarity-weighted MO similarity, as the full model's ``mo_rarity`` (a shared rare
  behaviour counts more than a shared common one), with the group's MO domains laid side
  by side in one 64-bit word per offence (16 table look-ups per pair);
- ``suspect``, ``victim``: (matching - differing) / compared over the categorical
  descriptions both offences recorded (sex, build, age band...), 0 when none;
- ``same_category``, ``same_location``: 1 or 0.

A value not recorded for both takes the typical value of the window's pairs, so it
counts neither way. The weights are a logistic regression of the group's known linked
pairs against random pairs of the window, with the directions the research knows
(closer never counts against, agreement never counts against; a feature that comes out
the wrong way is dropped and the model refitted). A group with too few known linked
pairs gets the default model's weights (:class:`workbench.linkage.model.DefaultModel`).

The stage keeps a pair when its score is at least ``threshold``, set to keep
:data:`KEEP` of the known linked pairs inside the window. When that would pass more
pairs than the group's share of the budget and the group may be narrowed, the threshold
is raised to pass about the share instead (the pairs the stage scores highest), and
``keeps`` says what share of the known linked pairs is then kept. Agreement can add at
most a known amount to the score, so a pair can pass only if
``A ln(1 + km) + B ln(1 + days) + C ln(1 + km) ln(1 + days) <= reach``: that region (a staircase of space/time
boxes) is all that is looked at, which is exact, not a narrowing. A group that may be
narrowed and whose region still holds more than :data:`LOOK_RATIO` times its share has
the region shrunk to that (again said in ``keeps``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from workbench.linkage.config import Blocking
from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import bit_counts, byte_tables, mask_weight, rarity_weights
from workbench.linkage.sweep import box_pairs

COLUMNS = ("log_km", "log_days", "log_km_x_log_days", "mo", "suspect", "victim", "same_category", "same_location")
#: The first columns are space and time; the rest are agreement, each at most 1.
SPACE_TIME = 3
#: The sign each weight must have: farther apart counts against, agreement for.
SIGNS = np.array([-1, -1, -1, 1, 1, 1, 1, 1])
#: The default model's weights (see DefaultModel), for groups with too few known links.
DEFAULT_WEIGHTS = np.array([-1.6, -0.8, 0.0, 2.5, 0.0, 0.0, 0.4, 0.3])
#: Share of the known linked pairs inside the window the stage keeps.
KEEP = 0.995
#: A group that may be narrowed looks at most this many times its share of pairs.
LOOK_RATIO = 3.0
#: Window pairs of the random sample the stage is fitted and sized on.
SAMPLE_PAIRS = 200_000
#: Random window pairs the weights are fitted on (beside every known linked pair).
FIT_ROWS = 20_000
MIN_SAMPLE = 500
MIN_KNOWN = 30
#: Time steps of the staircase of boxes that covers the region a pair can pass in.
STEPS = 4


@dataclass
class CheapCodes:
    """Per-offence codes compared for every pair: MO bits, categorical descriptions,
    category and location type."""

    mo: np.ndarray                           # (n,) uint64: every MO behaviour in one word (see of)
    mo_recorded: np.ndarray                  # (n,) uint64: the bits of the MO domains it records
    suspect: tuple[np.ndarray, np.ndarray]   # (value bits, recorded-attribute bits), uint64 each
    victim: tuple[np.ndarray, np.ndarray]
    category: np.ndarray                     # (n,) int codes
    location: np.ndarray                     # (n,) int codes, -1 missing

    @classmethod
    def of(cls, data: LinkageData) -> CheapCodes:
        """Codes of every offence. The MO domains a crime group records are laid side by
        side in one 64-bit word (their behaviours wrap round when there are more than
        64; pairs are always of one group, so each group has its own layout)."""
        n = len(data)
        mo, recorded = np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64)
        for group in dict.fromkeys(data.group.tolist()):
            rows = np.flatnonzero(data.group == group)
            offset = 0
            for domain in sorted(data.mo):
                words = data.mo[domain][rows]
                if not words.any():
                    continue
                size = len(data.mo_vocab[domain])
                has = words.any(axis=1)
                for w in range(words.shape[1]):
                    shift = (offset + 64 * w) % 64
                    bits = min(64, size - 64 * w)
                    full = np.uint64(2 ** bits - 1)
                    mo[rows] |= _rotate(words[:, w], shift)
                    recorded[rows[has]] |= _rotate(np.array([full]), shift)[0]
                offset += size

        def stack(kind):
            """One bit per value of each categorical attribute (wrapping past 64), and one
            bit per attribute recorded."""
            values, known, bit = np.zeros(n, np.uint64), np.zeros(n, np.uint64), 0
            for k, a in enumerate([a for a in data.attributes if a.kind == kind and not a.numeric][:64]):
                has = a.values >= 0
                known[has] |= np.uint64(1) << np.uint64(k)
                values[has] |= np.uint64(1) << ((bit + a.values[has]) % 64).astype(np.uint64)
                bit += len(a.labels)
            return values, known

        _, category = np.unique(data.category.astype(str), return_inverse=True)
        return cls(mo, recorded, stack("suspect"), stack("victim"), category.astype(np.int32),
                   np.asarray(data.location_type, dtype=np.int32))

    def subset(self, positions: np.ndarray) -> CheapCodes:
        """The codes of ``positions`` only (so pair indices are local to them)."""
        return CheapCodes(self.mo[positions], self.mo_recorded[positions], tuple(v[positions] for v in self.suspect),
                          tuple(v[positions] for v in self.victim), self.category[positions],
                          self.location[positions])

    def rarity(self, positions: np.ndarray) -> np.ndarray:
        """Byte tables of the rarity weight of each MO bit among ``positions`` (one crime
        group): ln((n + 1) / (k + 1)) for a behaviour k of the n offences recording its
        domain show."""
        return byte_tables(rarity_weights(bit_counts(self.mo[positions]), bit_counts(self.mo_recorded[positions])))


def _rotate(words: np.ndarray, shift: int) -> np.ndarray:
    if not shift:
        return words
    s = np.uint64(shift)
    return (words << s) | (words >> (np.uint64(64) - s))


def _description(codes: tuple[np.ndarray, np.ndarray], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(matching - differing) / compared over the attributes both recorded; 0 when none."""
    values, recorded = codes
    compared = np.bitwise_count(recorded[i] & recorded[j]).astype(np.float32)
    same = np.minimum(np.bitwise_count(values[i] & values[j]), compared)
    return (2.0 * same - compared) / np.maximum(compared, 1.0)


def _mo(codes: CheapCodes, tables: np.ndarray, i, j) -> np.ndarray:
    """Rarity-weighted MO similarity: the weight of the behaviours both show over that of
    those either shows, in the domains both record (NaN when none)."""
    a, b = codes.mo[i], codes.mo[j]
    union = mask_weight(tables, (a | b) & codes.mo_recorded[i] & codes.mo_recorded[j])
    out = mask_weight(tables, a & b) / np.maximum(union, np.float32(1e-6))
    out[union <= 0] = np.nan
    return out


def _location(codes: CheapCodes, tables, i, j) -> np.ndarray:
    a, b = codes.location[i], codes.location[j]
    out = (a == b).astype(np.float32)
    out[(a < 0) | (b < 0)] = np.nan
    return out


#: How each agreement column (COLUMNS[SPACE_TIME:]) is computed for pairs (i, j).
AGREEMENT = (_mo, lambda c, t, i, j: _description(c.suspect, i, j), lambda c, t, i, j: _description(c.victim, i, j),
             lambda c, t, i, j: (c.category[i] == c.category[j]).astype(np.float32), _location)


#: Relative cost of each agreement column: the cascade takes the most weight per cost first.
AGREEMENT_COST = np.array([4.0, 1.0, 1.0, 0.5, 0.5])


def space_time(km: np.ndarray, days: np.ndarray) -> np.ndarray:
    """(pairs, SPACE_TIME) columns from distances (km) and gaps between the windows (days)."""
    log_km = np.log1p(np.asarray(km, np.float32))
    log_days = np.log1p(np.maximum(np.asarray(days, np.float32), np.float32(0.0)))
    return np.column_stack([log_km, log_days, log_km * log_days])


def features(codes: CheapCodes, tables: np.ndarray, data: LinkageData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(pairs, len(COLUMNS)) cheap features (``tables``: the group's MO rarity, from
    :meth:`CheapCodes.rarity`); NaN where MO or location is not recorded for both."""
    km = np.hypot(data.x[i] - data.x[j], data.y[i] - data.y[j]) / 1000.0
    days = np.abs(data.mid[i] - data.mid[j]) - data.half_width[i] - data.half_width[j]
    return np.column_stack([space_time(km, days)] + [np.asarray(f(codes, tables, i, j), np.float32) for f in AGREEMENT])


@dataclass
class FirstStage:
    """A fitted first stage (see the module docstring). ``limit`` tightens it to a number
    of pairs; the sample it was sized on is kept for that."""

    weights: np.ndarray          # one per COLUMNS entry (0: not used)
    intercept: float
    fill: np.ndarray             # the value a "not recorded" agreement feature takes
    learned: bool                # weights learned from known linked pairs (else the default model's)
    tables: np.ndarray           # the group's MO rarity (CheapCodes.rarity)
    threshold: float = -np.inf   # a pair scoring at least this is kept
    reach: float = np.inf        # spread <= reach for any pair that can be kept
    keeps: float | None = None   # share of the known linked pairs inside the window kept
    cut: bool = False            # threshold or region tightened to stay within the budget
    expected_pairs: float = 0.0  # estimated pairs kept
    sample: tuple = ()           # (scores, spreads, scale) of random window pairs
    linked: tuple = ()           # (scores, spreads) of the known linked pairs in the window

    def spread(self, st: np.ndarray) -> np.ndarray:
        """The space/time part of the score, made positive (never smaller for a pair
        farther apart in space or time)."""
        return st @ (-self.weights[:SPACE_TIME]).astype(np.float32)

    def score(self, feats: np.ndarray) -> np.ndarray:
        agree = feats[:, SPACE_TIME:]
        filled = np.where(np.isnan(agree), self.fill[None, :], agree)
        return filled @ self.weights[SPACE_TIME:].astype(np.float32) + np.float32(self.intercept) - self.spread(
            feats[:, :SPACE_TIME])

    def bonus(self) -> float:
        """The most agreement can add to the score (every agreement feature is at most 1)."""
        return float(np.sum(np.maximum(self.weights[SPACE_TIME:], 0.0)))

    def keep(self, codes: CheapCodes, i: np.ndarray, j: np.ndarray, km: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Positions (into ``i``/``j``) of the pairs kept. A cascade: space and time first,
        then each agreement feature, the most weight for its cost first, dropping at each
        step the pairs that could not pass even if all the rest agreed."""
        a, b, c = (np.float32(-w) for w in self.weights[:SPACE_TIME])
        log_km = np.log1p(np.asarray(km, np.float32))
        log_days = np.log1p(np.asarray(days, np.float32))
        spread = a * log_km + b * log_days
        if c:
            spread += c * log_km * log_days
        partial = np.float32(self.intercept) - spread
        left = self.bonus()
        at = np.flatnonzero((spread <= self.reach) & (partial + np.float32(left) >= self.threshold))
        if len(at) < len(partial):
            partial = partial[at]
        for k in np.argsort(-self.weights[SPACE_TIME:] / AGREEMENT_COST, kind="stable"):
            w = float(self.weights[SPACE_TIME + k])
            if w <= 0 or not len(at):
                break
            value = AGREEMENT[k](codes, self.tables, i[at], j[at])
            value[np.isnan(value)] = self.fill[k]
            partial += np.float32(w) * value
            left -= w
            ok = np.flatnonzero(partial + np.float32(left) >= self.threshold)
            if len(ok) < len(at):
                at, partial = at[ok], partial[ok]
        return at[partial >= self.threshold]

    def limit(self, count: float) -> None:
        """Keep at most about ``count`` pairs: raise the threshold to the pairs scored
        highest, and shrink the region looked at to :data:`LOOK_RATIO` times that."""
        scores, spreads, scale = self.sample
        if len(scores) and np.sum(scores >= self.threshold) * scale > count:
            self.threshold, self.cut = max(self.threshold, _top(scores, count / scale)), True
        self.reach = self.intercept + self.bonus() - self.threshold
        if len(spreads) and np.sum(spreads <= self.reach) * scale > LOOK_RATIO * count:
            self.reach, self.cut = -_top(-spreads, LOOK_RATIO * count / scale), True
        self._measure()

    def _measure(self) -> None:
        scores, spreads, scale = self.sample
        self.expected_pairs = float(np.sum((scores >= self.threshold) & (spreads <= self.reach))) * scale
        if self.linked and len(self.linked[0]):
            s, sp = self.linked
            self.keeps = float(np.mean((s >= self.threshold) & (sp <= self.reach)))

    def boxes(self, window: Blocking) -> list[tuple[float, float, float]]:
        """(radius, lo, hi) boxes (gap in (lo, hi]) covering every pair that can be kept:
        for gaps of at least ``d`` days, ln(1 + km) <= (reach - B L) / (A + C L) with
        L = ln(1 + d)."""
        a, b, c = (-float(w) for w in self.weights[:SPACE_TIME])
        if self.reach < 0:
            return []
        t_max = window.days if b <= 0 else min(window.days, float(np.expm1(self.reach / b)))
        edges = np.linspace(0.0, np.log1p(t_max), STEPS + 1) if a > 0 or c > 0 else np.array([0.0, np.log1p(t_max)])
        out = []
        for k in range(len(edges) - 1):
            lo = -1.0 if k == 0 else float(np.expm1(edges[k]))
            hi = t_max if k == len(edges) - 2 else float(np.expm1(edges[k + 1]))
            slope = a + c * edges[k]
            radius = window.radius_m if slope <= 0 else min(
                window.radius_m, 1000.0 * float(np.expm1((self.reach - b * edges[k]) / slope)))
            out.append((radius, lo, hi))
        return out


def _fit_weights(pos_feats: np.ndarray, neg_feats: np.ndarray, fill: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression of linked (pos) against window (neg) pairs, dropping any
    feature whose weight comes out against its known direction, then refitting."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([pos_feats, neg_feats])
    X[:, SPACE_TIME:] = np.where(np.isnan(X[:, SPACE_TIME:]), fill[None, :], X[:, SPACE_TIME:])
    y = np.concatenate([np.ones(len(pos_feats)), np.zeros(len(neg_feats))])
    active = np.ptp(X, axis=0) > 0
    weights, intercept = np.zeros(len(COLUMNS)), 0.0
    while active.any():
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=500).fit(X[:, active], y)
        weights = np.zeros(len(COLUMNS))
        weights[active] = lr.coef_[0]
        intercept = float(lr.intercept_[0])
        wrong = weights * SIGNS < 0
        if not wrong.any():
            break
        active &= ~wrong
    return weights, intercept


def _top(values: np.ndarray, count: float) -> float:
    """The value at least about ``count`` of ``values`` reach."""
    k = int(np.clip(round(count), 1, len(values)))
    return float(np.partition(values, len(values) - k)[len(values) - k])


def fit(data: LinkageData, positions: np.ndarray, known: np.ndarray, window: Blocking, *,
        codes: CheapCodes, pairs_in_window: float, seed: int = 0) -> FirstStage:
    """The first stage of one group (``positions``: its offences) over ``window``, set to
    keep :data:`KEEP` of ``known`` (its known linked pairs, positions into ``data``)
    inside the window; :meth:`FirstStage.limit` then caps it to a number of pairs."""
    n = len(positions)
    rng = np.random.default_rng(seed)
    m = int(np.clip(n * np.sqrt(SAMPLE_PAIRS / max(pairs_in_window, 1.0)), min(n, MIN_SAMPLE), n))
    pick = np.sort(rng.choice(positions, size=m, replace=False))
    found = [(pick[i], pick[j]) for i, j, _, _ in box_pairs(data.x[pick], data.y[pick], data.mid[pick],
                                                             data.half_width[pick], window.radius_m, window.days)]
    si = np.concatenate([f[0] for f in found]) if found else np.empty(0, np.int64)
    sj = np.concatenate([f[1] for f in found]) if found else np.empty(0, np.int64)
    tables = codes.rarity(positions)
    sample = features(codes, tables, data, si, sj)
    agree = sample[:, SPACE_TIME:]
    recorded = (~np.isnan(agree)).sum(axis=0)
    fill = np.nansum(agree, axis=0) / np.maximum(recorded, 1)      # typical value; 0 when never recorded
    inside = known[_in_window(data, known, window)] if len(known) else known.reshape(-1, 2)
    linked = features(codes, tables, data, inside[:, 0], inside[:, 1])
    weights, intercept, learned = DEFAULT_WEIGHTS.astype(float), 0.0, False
    if len(inside) >= MIN_KNOWN and len(sample) >= MIN_KNOWN:
        rows = rng.choice(len(sample), size=min(len(sample), FIT_ROWS), replace=False)
        fitted, b = _fit_weights(linked, sample[rows], fill)
        if fitted[:SPACE_TIME].any():
            weights, intercept, learned = fitted, b, True
    stage = FirstStage(weights, intercept, fill.astype(np.float32), learned, tables)
    stage.sample = (stage.score(sample), stage.spread(sample[:, :SPACE_TIME]), n * (n - 1) / max(1.0, m * (m - 1.0)))
    stage.linked = (stage.score(linked), stage.spread(linked[:, :SPACE_TIME]))
    if learned:
        stage.threshold = float(np.quantile(stage.linked[0], 1.0 - KEEP))
    stage.reach = stage.intercept + stage.bonus() - stage.threshold
    stage._measure()
    return stage


def _in_window(data: LinkageData, pairs: np.ndarray, window: Blocking) -> np.ndarray:
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(data.x[i] - data.x[j], data.y[i] - data.y[j])
    gap = np.abs(data.mid[i] - data.mid[j]) - data.half_width[i] - data.half_width[j]
    return (dist <= window.radius_m) & (gap <= window.days)


def kept_pairs(stage: FirstStage, data: LinkageData, positions: np.ndarray, window: Blocking,
               codes: CheapCodes, workers: int | None = None) -> np.ndarray:
    """Every pair of ``positions`` inside ``window`` the stage keeps, as an (m, 2) int64
    array of positions into ``data`` (lower first); looked at chunk by chunk, the boxes
    of the staircase on ``workers`` threads (default: up to 2; numpy releases the GIL in
    the heavy parts)."""
    x, y, mid, half = data.x[positions], data.y[positions], data.mid[positions], data.half_width[positions]
    local = codes.subset(positions)

    def box(bounds: tuple[float, float, float]) -> list[np.ndarray]:
        radius, lo, hi = bounds
        out = []
        for i, j, dist2, gap in box_pairs(x, y, mid, half, radius, hi, lo):
            keep = stage.keep(local, i, j, np.sqrt(dist2) / 1000.0, gap)
            if len(keep):
                out.append(np.column_stack([i[keep], j[keep]]).astype(np.int32))
        return out

    boxes = stage.boxes(window)
    with ThreadPoolExecutor(max_workers=max(1, min(len(boxes), workers or min(2, os.cpu_count() or 1)))) as pool:
        out = [part for parts in pool.map(box, boxes) for part in parts]
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    local_pairs = np.concatenate(out)
    del out
    pos = np.asarray(positions, dtype=np.int64)
    first, second = pos[local_pairs[:, 0]], pos[local_pairs[:, 1]]
    return np.column_stack([np.minimum(first, second), np.maximum(first, second)])
