"""Make the hand-made stores of the tasking and network tests importable here."""

import sys
from pathlib import Path

for folder in ("tasking", "network"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / folder))
