"""Noticing other people's changes to the open store, so the views refresh on their own.

Every change to a store is audited (:mod:`workbench.store.audit`), so the audit log's head
id moves whenever anyone writes: another analyst on a team store, or another Workbench
on the same SQLite file. :class:`StoreWatcher` reads that one row when asked
(:meth:`StoreWatcher.poll`, every few seconds from the window's timer), reads the new
entries when it moved, leaves out those this session wrote itself
(:attr:`Session.own_audit_ids`), and tells the views what kinds of data changed through
``session.notify(Changed(kind, (), {"remote": True, ...}))``, the same events their own
edits send. It returns a one-line note for the status bar ("jsmith confirmed a link").
"""

from __future__ import annotations

from workbench.app.session import Session
from workbench.errors import StoreError
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store import Store, audit, encryption, postgres

#: What an import of each batch kind changes (``Changed.kind``) and what it brought in.
IMPORTS = {
    "offences": ("offences", "offences"), "police-uk": ("offences", "police.uk crimes"),
    "intel": ("intel", "intelligence reports"), "nominals": ("people", "nominals"),
    "missing": ("people", "missing-person episodes"), "boundaries": ("boundaries", "boundaries"),
    "basemap": ("basemap", "base-map features"), "population": ("boundaries", "population figures"),
}
#: What the entries of each action group change; groups not here change nothing a view
#: shows but the audit log itself (exports, training the model).
KINDS = {
    "link.confirm": ("links",), "link.reject": ("links",), "series": ("series",),
    "patp": ("tasking",), "ttcg": ("tasking",), "assessment": ("tasking",),
    "setting": ("setting",), "role": ("roles",), "priority": ("strategy",), "requirement": ("strategy",),
    "search": ("scan",), "returns": ("store",),
    # an undo can be of anything: every view that shows stored data looks again
    "undo": ("store", "links", "series", "tasking", "strategy"),
}
#: How the status bar says what someone did (by action, then by action group).
PHRASES = {
    "link.confirm": "confirmed a link", "link.reject": "rejected a link", "link.train": "trained the linkage model",
    "series.create": "created a series", "series.add": "added offences to a series",
    "series.remove": "removed an offence from a series", "series.merge": "merged two series",
    "series.split": "split a series", "series.name": "renamed a series",
    "patp.create": "created a PATP", "patp.edit": "edited a PATP", "patp.delete": "deleted a PATP",
    "patp.submit": "submitted a PATP", "patp.return": "returned a PATP", "patp.approve": "approved a PATP",
    "patp.schedule": "scheduled a PATP for the TTCG", "patp.decide": "recorded a TTCG decision on a PATP",
    "returns.import": "merged a borough return", "setting.change": "changed a setting",
    "role.grant": "granted a role", "role.revoke": "revoked a role", "undo": "undid a change",
    "ttcg": "updated a TTCG meeting", "assessment": "updated an assessment", "priority": "changed the control strategy",
    "requirement": "changed the control strategy", "search": "changed a saved search", "export": "exported a product",
}


def group(action: str) -> str:
    """An action's group: ``patp`` for ``patp.submit``."""
    return action.split(".", 1)[0]


def kinds_of(entry: dict) -> tuple[str, ...]:
    """The kinds of data (``Changed.kind``) one audit entry says were changed."""
    action = entry["action"]
    if action == "import":
        return (IMPORTS.get(str((entry["detail"] or {}).get("kind")), ("store", ""))[0],)
    return KINDS.get(action) or KINDS.get(group(action), ())


def phrase(entry: dict) -> str:
    """What one entry's author did, in a few words ("imported 1,204 offences")."""
    action, detail = entry["action"], entry["detail"] if isinstance(entry["detail"], dict) else {}
    if action == "import":
        what = IMPORTS.get(str(detail.get("kind")), ("", "records"))[1]
        return f"imported {int(detail.get('imported') or 0):,} {what}"
    if action.endswith(".undo"):
        return "undid a workflow step"
    return PHRASES.get(action) or PHRASES.get(group(action)) or f"made a change ({action})"


def describe(entries: list[dict]) -> str:
    """One line for the status bar on others' new entries (oldest first)."""
    newest = entries[-1]
    text = f"{newest['user']} {phrase(newest)}"
    others = len(entries) - 1
    if others:
        people = sorted({e["user"] for e in entries})
        text += f" (and {others} more change{'s' if others > 1 else ''} by {', '.join(people)})"
    return text


class StoreWatcher:
    """Polls a session's store for changes made by others and tells its views.

    ``poll()`` costs one single-row query while nothing has changed, so a window can call
    it every few seconds on its own connection.
    """

    #: Read at most this many new entries at once (the note names the newest; the
    #: views refresh whatever the kinds of the ones read).
    BATCH = 500

    def __init__(self, session: Session):
        self.session = session
        self.seen = audit.head(session.store)["last_id"]

    def poll(self) -> str | None:
        """Look for others' changes since the last poll; when there are some, notify the
        session's views and return a note ("jsmith confirmed a link"), else None."""
        store = self.session.store
        if self.session.closed:
            return None
        try:
            return self._look(store)
        except (*encryption.database_errors(), *postgres.database_errors()) as exc:
            raise StoreError(f"cannot look for other people's changes to {store.name}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None

    def _look(self, store: Store) -> str | None:
        last = audit.head(store)["last_id"]
        if last == self.seen:
            return None
        if last < self.seen:                    # the store was replaced under us: look at everything again
            self.seen = last
            self.session.notify(Changed("store", (), {"remote": True, "users": []}))
            return "the store was replaced"
        found = audit.entries(store, after=self.seen, limit=self.BATCH)[::-1]
        self.seen = last
        me = current_user()
        own = self.session.own_audit_ids
        others = [e for e in found if e["id"] not in own or e["user"] != me]
        if not others:
            return None
        users = sorted({e["user"] for e in others})
        kinds = dict.fromkeys(kind for entry in others for kind in kinds_of(entry))
        for kind in kinds or ("audit",):       # every view looks at the audit log again on any change
            self.session.notify(Changed(kind, (), {"remote": True, "users": users}))
        return describe(others)
