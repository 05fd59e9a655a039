"""Default settings of the near-repeat analysis, in one place: the analysis function, the
command line and the window's form (:mod:`workbench.app.state`) all take them from here.

This module imports nothing, so a command's ``--help`` can show them without loading
scipy or geopandas.
"""

# The Knox near-repeat test (workbench.geo.nearrepeat): the Near Repeat Calculator's usual
# table of 5 bands of 100 m by 5 bands of a week, 999 date permutations.
DISTANCE_BAND = 100.0
DISTANCE_BANDS = 5
TIME_BAND = 7.0
TIME_BANDS = 5
PERMUTATIONS = 999
METRIC = "euclidean"
#: Significance level of the near-repeat risk window.
ALPHA = 0.05
