"""Default settings of the near-repeat and hotspot analyses, in one place: the analysis
functions, the command line and the window's forms (:mod:`workbench.app.state`) all take
them from here.

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

# Hotspots (workbench.geo.hotspots): cross-validation picks plain or prospective KDE
# with the quartic kernel; the hotspots are the densest 3% of the study area; Gi* hot
# spots are significant at 95% after false-discovery-rate correction.
HOTSPOT_METHOD = "auto"
KERNEL = "quartic"
COVERAGE = 0.03
CONFIDENCE = 0.95
