"""Schema 20: on a team store, the areas of the returns the boroughs sent, for a GIS.

A central bureau's team store holds every borough's returns (``returns_received`` and
their ``return_items``): each hotspot carries its polygon (``wkt``) and each series the
area round its offences (``area_wkt``). The view ``return_areas`` gives them as PostGIS
geometry in British National Grid (EPSG:27700) with the borough, period and item, so
QGIS or ArcGIS Pro draws every borough's hotspots and series on one map. Nothing changes
on a store file.
"""

POSTGRESQL = """
CREATE VIEW return_areas AS SELECT i.id, i.kind, i.item_key, r.borough, r.period_from, r.period_to, CAST(i.body AS json) ->> 'title' AS title, CAST(CAST(i.body AS json) ->> 'offences' AS integer) AS offences, CAST(ST_GeomFromText(coalesce(CAST(i.body AS json) ->> 'wkt', CAST(i.body AS json) ->> 'area_wkt'), 27700) AS geometry(Geometry, 27700)) AS geom FROM return_items i JOIN returns_received r ON r.id = i.return_id WHERE i.kind IN ('hotspot', 'series') AND coalesce(CAST(i.body AS json) ->> 'wkt', CAST(i.body AS json) ->> 'area_wkt') IS NOT NULL;
"""
