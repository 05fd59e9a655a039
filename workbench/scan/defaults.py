"""Default settings of the scan, in one place: the scan's parts, ``workbench scan`` and the
Scan view's state (:mod:`workbench.app.state`) all take them from here.

This module imports nothing, so ``workbench scan --help`` can show them without loading
pandas or scipy.
"""

#: False-discovery rate of the emerging-trend test.
TREND_ALPHA = 0.05
#: Fewest offences in the recent period for a trend alert.
MIN_COUNT = 5
#: Monte Carlo permutations and seed of the scan's near-repeat test: fewer than the Near
#: repeat panel's 999, as the scan runs it on every scan and needs only the risk window.
PERMUTATIONS = 99
SEED = 1
#: How this period's hotspots are found to compare them with the last period's.
HOTSPOT_METHOD = "kde"
