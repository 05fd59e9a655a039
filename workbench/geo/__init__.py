"""Geographic analysis without Qt: hotspots (KDE, Getis-Ord Gi*), repeat locations,
hotspot evaluation (PAI), near-repeat (Knox) tables and risk zones, GeoPackage and PNG
output.

Everything works in British National Grid metres (EPSG:27700). Rasters are
:class:`workbench.geo.grid.Grid` objects: row 0 is the northernmost row, like an image.
"""
