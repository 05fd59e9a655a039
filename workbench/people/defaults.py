"""Default thresholds of the people picture, in one place: the scan's alerts, the
``workbench people victims|missing`` commands and the People view's state
(:mod:`workbench.app.state`) all take them from here.

This module imports nothing, so a command's ``--help`` can show them without loading pandas.
"""

#: A repeat victim: this many offences or more against one victim reference within
#: this many days.
REPEAT_VICTIM_OFFENCES = 3
REPEAT_VICTIM_DAYS = 365
#: A repeat missing person: missing this many times or more within this many days (the
#: College of Policing's definition).
REPEAT_MISSING_EPISODES = 3
REPEAT_MISSING_DAYS = 90
