"""The one error an importer raises for a file it cannot read at all."""


class ImportFailed(Exception):
    """The file is not of the expected kind (or cannot be read); nothing was imported."""
