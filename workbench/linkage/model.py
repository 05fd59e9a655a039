"""The "same offender" model: training pairs, two learners, calibration, a default.

Training pairs are built as the research does (Porter's ``crimelinkage``; Tonkin and
Woodhams): among *solved* offences of one crime group, every candidate pair (the same
space/time blocks used when scoring, so training matches use) is *linked* when the two
offences share an offender and *unlinked* otherwise. Linked pairs are weighted 1/n for
an offender with n linked pairs (rescaled so their total weight is unchanged), so a
prolific offender's hundreds of pairs count as much as a pair offender's one. Analyst
decisions override the labels: a confirmed link or two members of a confirmed series
are linked, a rejected link is unlinked.

Two learners are compared by :mod:`workbench.linkage.evaluate` and the better kept:
logistic regression (the research baseline; missing values imputed with indicator
columns, standardised) and scikit-learn's histogram gradient boosting (handles missing
values natively and learns interactions such as "close in space *and* time"). The kept
model is calibrated with Platt scaling fitted on out-of-fold predictions, so a score of
0.7 means about 7 in 10 such pairs were one offender's.

When a group has too few solved offences, :class:`DefaultModel` is used: a fixed
logistic formula documented in its docstring.
"""

from __future__ import annotations

import os
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench.errors import BadInput
from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import Profiles, iter_chunks, pair_features

METHODS = ("logistic", "boosting")
#: Below this many rows one thread is faster: OpenMP start-up dominates small fits.
SINGLE_THREAD_ROWS = 100_000
#: Logged before modelling: distance and time effects are roughly logarithmic.
LOG_COLUMNS = ("distance_m", "days_apart")


#: The distance/time interaction: two offences far apart in space *and* time are much less
#: likely one offender's than either distance alone says (log km x log days).
INTERACTION = "distance_x_days"


def design_array(values: np.ndarray, columns: list[str], interaction: bool = True) -> tuple[np.ndarray, list[str]]:
    """Model inputs from pair feature values (rows x ``columns``): kilometres and days on
    a log scale, and their product (the interaction) when both are present and
    ``interaction``. Returns (array, its column names). Plain numpy: scoring one offence's
    candidates must not pay pandas' per-call overhead."""
    out = np.array(values, dtype=float)
    names = list(columns)
    d = names.index("distance_m") if "distance_m" in names else None
    t = names.index("days_apart") if "days_apart" in names else None
    if d is not None:
        out[:, d] = np.log1p(out[:, d] / 1000.0)
    if t is not None:
        out[:, t] = np.log1p(out[:, t])
    if interaction and d is not None and t is not None:
        out = np.column_stack([out, out[:, d] * out[:, t]])
        names.append(INTERACTION)
    return out, names


def design(frame: pd.DataFrame, interaction: bool = True) -> pd.DataFrame:
    """:func:`design_array` as a frame (for fitting)."""
    values, names = design_array(frame.to_numpy(dtype=float), list(frame.columns), interaction)
    return pd.DataFrame(values, columns=names, index=frame.index)


def direction(column: str) -> int:
    """The known direction of a feature's effect on "one offender": -1 (larger is less
    likely: distances, time gaps, differences in age or height), +1 (larger is more
    likely: similarities and matches) or 0 (not constrained: the interaction).

    >>> direction("distance_m"), direction("mo_entry"), direction("suspect_sex"), direction("distance_x_days")
    (-1, 1, 1, 0)
    """
    if column == INTERACTION:
        return 0
    if column in ("distance_m", "days_apart", "hours_apart", "weekdays_apart"):
        return -1
    if column.startswith(("suspect_", "victim_")) and column.endswith(DIFFERENCE_SUFFIXES):
        return -1
    return 1


#: Victim/suspect attributes whose feature is a numeric difference rather than a match.
DIFFERENCE_SUFFIXES = ("_age", "_height_cm", "_height")


def make_estimator(method: str, seed: int = 0, columns: list[str] | None = None):
    """An unfitted learner for ``method`` ('logistic' or 'boosting'); ``columns`` are the
    design columns, so boosting can be constrained to the known directions
    (:func:`direction`): closer in space or time never lowers the probability, and a
    shared behaviour or description never counts against.

    scikit-learn is imported here and in :func:`platt`, where models are built, so that
    commands which never fit a model (most of the command line) start quickly.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if method == "logistic":
        return make_pipeline(SimpleImputer(strategy="mean", add_indicator=True, keep_empty_features=True),
                             StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    if method == "boosting":
        cst = [direction(c) for c in columns] if columns is not None else None
        return HistGradientBoostingClassifier(max_iter=120, learning_rate=0.1, max_leaf_nodes=31,
                                              l2_regularization=1.0, early_stopping=False, random_state=seed,
                                              monotonic_cst=cst)
    raise BadInput(f"unknown model method {method!r}; expected one of {', '.join(METHODS)}")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


#: Raised with each change to what a saved model holds or how it reads features; a saved
#: model of another format is not used (its group falls back to the default model).
MODEL_FORMAT = 2


@dataclass
class LinkModel:
    """A fitted model for one crime group. ``predict`` takes a pair feature frame."""

    group: str
    method: str
    columns: list[str]
    estimator: object = None
    calibration: tuple[float, float] = (1.0, 0.0)   # Platt: sigmoid(a * logit(p) + b)
    metrics: dict = field(default_factory=dict)
    reference: dict = field(default_factory=dict)   # a typical candidate pair, for reasons
    interaction: bool = True                        # the distance x time term is an input
    format: int = MODEL_FORMAT                      # see MODEL_FORMAT

    @property
    def is_default(self) -> bool:
        return self.method == "default"

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        """Uncalibrated probabilities."""
        values = frame.reindex(columns=self.columns).to_numpy(dtype=float)
        X, _ = design_array(values, self.columns, self.interaction)
        with _threads(len(X)):
            return self.estimator.predict_proba(X)[:, 1]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability that each pair is one offender's."""
        a, b = self.calibration
        return (1.0 / (1.0 + np.exp(-(a * _logit(self.raw(frame)) + b)))).astype(np.float32)

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(blob: bytes) -> LinkModel | None:
        """The saved model, or None when it was saved by a Workbench whose models read
        features differently (it cannot score today's features; retrain)."""
        try:
            model = pickle.loads(blob)
        except Exception:            # a class that no longer exists or changed shape
            return None
        if not isinstance(model, LinkModel) or model.__dict__.get("format") != MODEL_FORMAT:
            return None
        return model


class DefaultModel:
    """The documented fallback when a crime group lacks solved offences to learn from.

    A logistic formula with coefficients set from the published findings (distance is
    the strongest cue, then time, then MO; Tonkin & Woodhams 2015; Porter 2016)::

        logit p = 1.5 - 1.6 ln(1 + km) - 0.8 ln(1 + days) + 2.5 (MO - 0.3)
                  - 0.08 (hours apart) + 0.4 (same category) + 0.3 (same location type - 0.5)

    where MO is the mean Jaccard similarity over the MO domains both offences recorded
    (its term is 0 when none are), "hours apart" the expected time-of-day difference and
    a missing location type counts 0.5 (a missing distance 2 km, time 30 days, hours 6:
    typical of candidate pairs, so "not recorded" is neutral). For two offences 500 m and 2 days apart with
    MO similarity 0.8 it gives about 0.72; 5 km and 60 days apart with MO 0.2, about 0.01.
    """

    def predict_proba(self, X: np.ndarray, columns: list[str]) -> np.ndarray:
        frame = pd.DataFrame(X, columns=columns)
        km = np.expm1(frame["distance_m"].fillna(np.log1p(2.0)).to_numpy())       # design() logged it
        days = np.expm1(frame["days_apart"].fillna(np.log1p(30.0)).to_numpy())
        mo_cols = [c for c in columns if c.startswith("mo_")]
        mo = frame[mo_cols].mean(axis=1, skipna=True).to_numpy() if mo_cols else np.full(len(frame), np.nan)
        mo_term = np.where(np.isnan(mo), 0.0, 2.5 * (mo - 0.3))
        loc = frame["same_location_type"].fillna(0.5).to_numpy() if "same_location_type" in frame else 0.5
        same_cat = frame["same_category"].fillna(0).to_numpy() if "same_category" in frame else 0.0
        hours = frame["hours_apart"].fillna(6.0).to_numpy() if "hours_apart" in frame else 6.0
        z = (1.5 - 1.6 * np.log1p(km) - 0.8 * np.log1p(days) + mo_term - 0.08 * hours
             + 0.4 * same_cat + 0.3 * (loc - 0.5))
        p = 1.0 / (1.0 + np.exp(-z))
        return np.column_stack([1 - p, p])


class _DefaultEstimator:
    """Adapts :class:`DefaultModel` to the ``predict_proba(X)`` of fitted estimators."""

    def __init__(self, columns: list[str]):
        self.columns = list(columns)

    def predict_proba(self, X):
        return DefaultModel().predict_proba(X, self.columns)


#: The default model's typical candidate pair (the neutral values of its formula).
DEFAULT_REFERENCE = {"distance_m": 2000.0, "days_apart": 30.0, "hours_apart": 6.0, "weekdays_apart": 1.75}


def default_model(group: str, columns: list[str], reason: str) -> LinkModel:
    """The default model for ``group`` on ``columns``, saying why it is used."""
    reference = {c: DEFAULT_REFERENCE.get(c, 0.3 if c.startswith("mo_") else 0.5) for c in columns}
    return LinkModel(group, "default", list(columns), _DefaultEstimator(columns),
                     metrics={"reason": reason}, reference=reference, interaction=False)


def reference_pair(X: pd.DataFrame) -> dict:
    """A typical candidate pair: the mean of each feature (distances and time gaps on the
    log scale the model sees). Reasons say how a pair's values move its score away from
    this pair's, so a matching description always reads "for" and a different one
    "against" (the model is monotone in them)."""
    out = {}
    for c in X.columns:
        values = X[c].dropna().to_numpy(dtype=float)
        if not len(values):
            continue
        if c in ("distance_m", "days_apart"):
            scale = 1000.0 if c == "distance_m" else 1.0
            out[c] = float(np.expm1(np.log1p(values / scale).mean()) * scale)
        else:
            out[c] = float(values.mean())
    return out


def fit(method: str, group: str, X: pd.DataFrame, y: np.ndarray, w: np.ndarray, seed: int = 0) -> LinkModel:
    """Fit one learner on a pair feature frame; columns with no values are dropped.

    Boosting is fitted with monotone constraints. Logistic regression is constrained
    the simple way: a feature whose coefficient comes out against its known direction
    (:func:`direction`) is dropped and the model refitted, until none is."""
    columns = [c for c in X.columns if X[c].notna().any()]
    # boosting learns interactions itself, and an unconstrained product of distance and
    # time would break its monotone constraints on them; logistic regression needs it
    interaction = method == "logistic"
    while True:
        design_frame = design(X[columns], interaction)
        est = make_estimator(method, seed, list(design_frame.columns))
        with _threads(len(X)):
            est.fit(design_frame.to_numpy(dtype=float), y, **_weight_arg(est, w))
        wrong = _wrong_signs(est, list(design_frame.columns)) if method == "logistic" else []
        if not wrong:
            break
        if INTERACTION in design_frame and (INTERACTION in wrong or {"distance_m", "days_apart"} & set(wrong)):
            interaction = False         # without it, distance and time are monotone by their signs
        else:
            columns = [c for c in columns if c not in wrong]
    return LinkModel(group, method, columns, est, reference=reference_pair(X[columns]), interaction=interaction)


def _wrong_signs(pipeline, columns: list[str]) -> list[str]:
    """Design columns whose logistic coefficient opposes their known direction; the
    interaction counts as wrong when positive (it would make distance or time count
    for a link at large values of the other)."""
    coef = pipeline.steps[-1][1].coef_[0][:len(columns)]
    return [c for c, b in zip(columns, coef) if (direction(c) * b < 0) or (c == INTERACTION and b > 0)]


_CONTROLLER = []


def _threads(rows: int):
    """One thread for small inputs, the machine's default for large ones. The thread
    pools are found once per process (finding them reads the process's memory map,
    about 30 ms: too slow to repeat for every suggestion)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1 if rows < SINGLE_THREAD_ROWS else None)


def _weight_arg(est, w) -> dict:
    if hasattr(est, "steps"):
        return {f"{est.steps[-1][0]}__sample_weight": w}
    return {"sample_weight": w}


def platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling coefficients (a, b) from out-of-fold raw probabilities."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(y)) < 2:
        return (1.0, 0.0)
    lr = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(raw)[:, None], y)
    return (float(lr.coef_[0, 0]), float(lr.intercept_[0]))


# -- training pairs -----------------------------------------------------------------

def offender_codes(data: LinkageData) -> tuple[np.ndarray, list[tuple]]:
    """(first offender code per offence, -1 if none; list of all codes per offence)."""
    keys: dict[str, int] = {}
    all_codes = [tuple(keys.setdefault(k, len(keys)) for k in offs) for offs in (data.offenders or [()] * len(data))]
    first = np.array([c[0] if c else -1 for c in all_codes], dtype=np.int64)
    return first, all_codes


def same_offender(data: LinkageData, pairs: np.ndarray) -> np.ndarray:
    """True where the two offences of a pair share an offender (by ``data.offenders``)."""
    first, all_codes = offender_codes(data)
    i, j = pairs[:, 0], pairs[:, 1]
    label = (first[i] == first[j]) & (first[i] >= 0)
    multi = np.array([len(c) > 1 for c in all_codes], dtype=bool)
    for k in np.flatnonzero(multi[i] | multi[j]):
        label[k] = bool(set(all_codes[i[k]]) & set(all_codes[j[k]]))
    return label


def offender_components(data: LinkageData) -> np.ndarray:
    """A group id per offence: offences linked through shared offenders (co-offending
    included) share it, so a fold split on it never puts one offender in two folds.
    Offences without offenders get their own id."""
    _, all_codes = offender_codes(data)
    n = len(data)
    n_off = 1 + max((max(c) for c in all_codes if c), default=-1)
    rows = [k for k, c in enumerate(all_codes) for _ in c]
    cols = [n + code for c in all_codes for code in c]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + n_off, n + n_off))
    _, labels = connected_components(graph, directed=False)
    return labels[:n]


def pair_weights(data: LinkageData, pairs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """1 for unlinked pairs; 1/n for a linked pair of an offender with n linked pairs,
    rescaled so the linked pairs keep their total weight."""
    w = np.ones(len(pairs), dtype=float)
    if labels.any():
        first, _ = offender_codes(data)
        owner = first[pairs[labels, 0]]
        _, inverse, counts = np.unique(owner, return_inverse=True, return_counts=True)
        lw = 1.0 / counts[inverse]
        w[labels] = lw * (labels.sum() / lw.sum())
    return w


def featurise(data: LinkageData, pairs: np.ndarray, profiles: Profiles | None = None,
              columns: list[str] | None = None) -> pd.DataFrame:
    """Pair features for many pairs, in chunks."""
    profiles = profiles or Profiles.of(data)
    parts = [pair_features(data, pairs[a:b, 0], pairs[a:b, 1], profiles, columns) for a, b in iter_chunks(pairs)]
    if not parts:
        return pair_features(data, np.empty(0, np.int64), np.empty(0, np.int64), profiles, columns)
    return pd.concat(parts, ignore_index=True)


def score(data: LinkageData, pairs: np.ndarray, models: dict[str, LinkModel], profiles: Profiles | None = None,
          control=None, workers: int | None = None) -> np.ndarray:
    """Calibrated scores of candidate pairs, each by its crime group's model.

    Pairs are scored in chunks (memory stays flat for tens of millions of pairs) on
    ``workers`` threads (default: up to 2; numpy releases the GIL in the heavy parts).
    """
    profiles = profiles or Profiles.of(data)
    out = np.zeros(len(pairs), dtype=np.float32)
    codes, names = pd.factorize(data.group)
    pair_codes = codes[pairs[:, 0]] if len(pairs) else np.empty(0, dtype=np.int64)
    chunks = list(iter_chunks(pairs))
    done = [0]
    lock = threading.Lock()

    def run(bounds: tuple[int, int]) -> None:
        a, b = bounds
        if control is not None:
            control.check()
        frame = pair_features(data, pairs[a:b, 0], pairs[a:b, 1], profiles)
        part = pair_codes[a:b]
        for code in np.flatnonzero(np.bincount(part, minlength=len(names))):
            mask = part == code
            out[a:b][mask] = models[names[code]].predict(frame[mask] if not mask.all() else frame)
        if control is not None:
            with lock:
                done[0] += b - a
                control.report(done[0] / max(1, len(pairs)), f"scored {done[0]:,} of {len(pairs):,} pairs")

    workers = workers or min(2, os.cpu_count() or 1)
    if workers == 1 or len(chunks) < 2:
        for bounds in chunks:
            run(bounds)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, chunks))
    return out
