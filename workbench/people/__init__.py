"""The BIU's people picture: nominals, repeat victims and missing people.

- :mod:`workbench.people.description`: compare a nominal with a witness description;
- :mod:`workbench.people.suspects`: rank nominals as suspects for an offence or series;
- :mod:`workbench.people.alerts`: the scan's people alerts;
- :mod:`workbench.people.page`: management status, missing episodes and victimisation
  for a person's page;
- :mod:`workbench.people.overview`: what the People view lists;
- :mod:`workbench.people.patp`: the "nominals of interest" of a PATP.

Qt-free: the CLI, the UI and the tests call the same functions.
"""
