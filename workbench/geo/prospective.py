"""Prospective hotspot weights: recent offences count for more.

After a burglary the risk to the home and its neighbours is raised for a few weeks and
then decays (the near-repeat effect; Johnson & Bowers 2004). Prospective mapping (Bowers,
Johnson & Pease 2004) therefore weights each offence by its age: ``1 / (1 + weeks)``,
where ``weeks`` is the time from the offence to the moment the map is made. An offence
from yesterday counts fully; one from ten weeks ago counts about a tenth. The weighted
offences are then smoothed with the same kernel as plain KDE, so "prospective KDE" is a
kernel density of near-repeat-decayed risk. Its bandwidth and cell size are learned by
the same cross-validation as plain KDE (:mod:`workbench.geo.tuning`).

Example
-------
>>> age_weights([100.0, 93.0, 30.0], at=100.0).round(3).tolist()
[1.0, 0.5, 0.091]
"""

from __future__ import annotations

import numpy as np

WEEK = 7.0


def age_weights(days, at: float) -> np.ndarray:
    """``1 / (1 + weeks since the offence)`` at day ``at`` (offences after ``at`` count
    fully)."""
    age = np.maximum(0.0, float(at) - np.asarray(days, float))
    return 1.0 / (1.0 + age / WEEK)
