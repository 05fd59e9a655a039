"""Modus operandi as boolean matrices: population draws, serial profiles, noisy repeats.

A ``set`` domain is an (n x behaviours) boolean matrix, a ``one`` domain an index array.
A serial offender's *profile* is drawn once from the population; each of their offences
keeps every profile behaviour with probability ``KEEP_SET`` and now and then adds a
behaviour from the population, so series offences are similar but rarely identical.
"""

from __future__ import annotations

import numpy as np

from workbench.synth.vocab import MO, MO_GROUP, Domain

KEEP_SET = 0.75     # chance a profile behaviour shows up in a given offence
ADD_SET = 0.25      # population probability multiplier for an extra behaviour
KEEP_ONE = 0.80     # chance a single-choice domain repeats the offender's habit

BUSINESS_PREMISES = Domain("premises", "one",
                           ("shop", "office", "restaurant", "warehouse", "school", "pub", "surgery",
                            "garage"),
                           (0.35, 0.20, 0.12, 0.10, 0.06, 0.08, 0.04, 0.05), 0.97)


def domains_for(category: str) -> tuple[Domain, ...]:
    """The MO domains recorded for a category (business burglary has business premises)."""
    group = MO_GROUP.get(category)
    if group is None:
        return ()
    domains = MO[group]
    if category == "burglary-business":
        domains = tuple(BUSINESS_PREMISES if d.name == "premises" else d for d in domains)
    return domains


def draw(domain: Domain, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` population draws for one domain."""
    w = np.asarray(domain.weights)
    if domain.kind == "one":
        return rng.choice(len(w), n, p=w / w.sum())
    return rng.random((n, len(w))) < w


def profile(domain: Domain, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` serial-offender habits: population draws, never an empty set."""
    raw = draw(domain, n, rng)
    if domain.kind == "set":
        empty = ~raw.any(axis=1)
        if empty.any():
            w = np.asarray(domain.weights)
            pick = rng.choice(len(w), int(empty.sum()), p=w / w.sum())
            raw[np.flatnonzero(empty), pick] = True
    return raw


def repeat(domain: Domain, habit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One offence per row of ``habit``: the habit with noise."""
    n = len(habit)
    fresh = draw(domain, n, rng)
    if domain.kind == "one":
        return np.where(rng.random(n) < KEEP_ONE, habit, fresh)
    w = np.asarray(domain.weights)
    kept = habit & (rng.random(habit.shape) < KEEP_SET)
    added = ~habit & (rng.random(habit.shape) < w * ADD_SET)
    return kept | added


def text(domain: Domain, raw: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The CSV cells for one domain (``;``-joined sets); empty where it was not recorded."""
    names = np.array(domain.behaviours, dtype=object)
    if domain.kind == "one":
        out = names[raw]
    else:
        codes = raw.astype(np.int64) @ (1 << np.arange(raw.shape[1], dtype=np.int64))
        uniq, inverse = np.unique(codes, return_inverse=True)
        labels = np.array([";".join(names[(code >> np.arange(len(names))) & 1 == 1]) for code in uniq],
                          dtype=object)
        out = labels[inverse]
    return np.where(rng.random(len(raw)) < domain.recorded, out, "")
