"""Qt pieces of the Network view: the interactive link chart."""
