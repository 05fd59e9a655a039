"""Workbench: offline intelligence analysis for Borough Intelligence Units.

The package is layered (see the user guide): ``ui`` is the only part that imports Qt;
``app``, the analysis packages, ``ingest``, ``store`` and ``domain`` are plain Python.
"""

__version__ = "0.1.0"
