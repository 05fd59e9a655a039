"""Default settings of the geographic analyses, in one place: the analysis functions, the
command line and the window's forms (:mod:`workbench.app.state`) all take them from here.

This module imports nothing, so a command's ``--help`` can show them without loading
scipy or geopandas.
"""

# Hotspots (workbench.geo.hotspots): KDE or Getis-Ord Gi*.
HOTSPOT_METHODS = ("kde", "gi")
HOTSPOT_METHOD = "kde"
#: Hotspots cover at most this share of the study area (the densest 3%).
COVERAGE = 0.03
#: Gi* hot spots are cells significant at this confidence or more (after FDR correction).
CONFIDENCE = 0.95
KERNEL = "quartic"

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
