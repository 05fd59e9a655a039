"""Seeded synthetic borough data with known truth (``workbench generate``).

``generate(seed, ...)`` makes a year of offences (canonical offence CSV columns) and
graded intelligence (canonical intel CSV columns) for London boroughs, with planted
series, hotspots and near repeats recorded in the truth; ``write_to_store`` loads them
through the real importers. Qt-free.
"""

from workbench.synth.generate import SyntheticData, generate
from workbench.synth.loading import write_to_store

__all__ = ["SyntheticData", "generate", "write_to_store"]
