"""Make the hand-made borough builder of the tasking tests importable here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasking"))
