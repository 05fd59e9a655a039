"""The one error an importer raises for a file it cannot read at all."""

from workbench.errors import BadFile


class ImportFailed(BadFile):
    """The file is not of the expected kind (or cannot be read); nothing was imported."""
