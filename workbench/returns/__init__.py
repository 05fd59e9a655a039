"""Returns to the central intelligence bureau: a borough's series, hotspots and offenders
of interest for a period as a versioned JSON file (:mod:`.schema`), written by
:mod:`.export` and merged from several boroughs, with cross-border links, by :mod:`.merge`."""
