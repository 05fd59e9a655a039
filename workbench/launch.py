"""Entry point of the desktop build: with no arguments it opens the demo store, so a
double-click on the installed application shows Workbench working straight away."""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["demo"]))
