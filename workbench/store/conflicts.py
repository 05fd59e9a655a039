"""The message of a :class:`~workbench.errors.Conflict`: what someone else changed, who
and when, and that the analyst's own change was not saved.

Link decisions and PATPs carry a ``version`` (migration 16); a writer names the version
it saw and the store refuses the write when the row has moved on (``UPDATE ... WHERE
version = ?``), so two analysts at once never overwrite each other silently.
"""

from __future__ import annotations

from datetime import datetime

from workbench.errors import Conflict


def when(at: str | None) -> str:
    """A stored UTC time as the analyst reads it: ``10:02`` today, else ``10:02 on 29 Nov 2026``
    (local time).

    >>> when(None)
    'just now'
    """
    if not at:
        return "just now"
    moment = datetime.fromisoformat(at).astimezone()
    text = moment.strftime("%H:%M")
    if moment.date() != datetime.now().astimezone().date():
        text += moment.strftime(" on %d %b %Y").replace(" 0", " ")
    return text


def conflict(changed: str, by: str | None, at: str | None, yours: str, then: str) -> Conflict:
    """The error for a change made meanwhile, e.g. ``offences A and B were marked
    'rejected' by jsmith at 10:02 while you were looking; your 'confirmed' was not saved:
    look again and decide``.

    >>> str(conflict("PATP/2025/0001 was submitted", None, None, "edit of owner", "edit"))
    'PATP/2025/0001 was submitted while you were looking; your edit of owner was not saved: look again and edit'
    """
    who = (f" by {by}" if by else "") + (f" at {when(at)}" if at else "")
    return Conflict(f"{changed}{who} while you were looking; your {yours} was not saved: look again and {then}")
