"""The native Qt map: a QGraphicsView over a British National Grid scene (no tiles, no
internet). Scene coordinates are metres with y pointing down: scene (x, y) is
BNG (easting, -northing)."""
