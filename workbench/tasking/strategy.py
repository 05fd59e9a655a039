"""The control strategy: the borough's priorities (each with its crime categories and an
owner) and the intelligence requirements under them.

A PATP's priority must be one of the active priorities (:func:`require_priority`); a
new PATP is given the priority whose categories cover most of its offences
(:func:`best_priority`). Adding, retiring and adding a requirement are undoable,
audited commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.domain.categories import expand
from workbench.errors import BadInput, NotAllowed, NotFound
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store import Store
from workbench.store import strategy as db


def priority_names(store: Store) -> list[str]:
    """The names of the active priorities, in the order they were added."""
    return [p["name"] for p in db.list_priorities(store)]


def require_priority(store: Store, name: str) -> str:
    """The active priority called ``name`` (any case, or its id), or NotFound listing the choices."""
    found = db.find_priority(store, name)
    if found is not None and found["retired_at"] is None:
        return found["name"]
    names = priority_names(store)
    if not names:
        raise NotFound("the control strategy has no priorities yet; add them with `workbench priorities add`")
    raise NotFound(f"{name!r} is not a priority of the control strategy; one of: {', '.join(names)}")


def best_priority(store: Store, counts: dict[str, int]) -> str:
    """The active priority covering most of the offences counted by category in ``counts``
    ("" when none covers any: the analyst must choose)."""
    best, best_n = "", 0
    for priority in db.list_priorities(store):
        covered = set(expand(priority["categories"]) or [])
        n = sum(v for c, v in counts.items() if c in covered)
        if n > best_n:
            best, best_n = priority["name"], n
    return best


def priority_categories(store: Store, name: str) -> list[str]:
    """The stored categories of a priority (coarse ones expanded)."""
    found = db.find_priority(store, name)
    return expand(found["categories"]) or [] if found else []


class AddPriority(Command):
    """Add a priority to the control strategy."""

    description = "Add priority"

    def __init__(self, name: str, categories: Iterable[str], owner: str, why: str | None = None):
        super().__init__(why)
        self.name = " ".join(name.split())
        self.categories = expand(list(categories)) or []
        self.owner = owner.strip()
        if not self.name or not self.owner:
            raise BadInput("a priority needs a name and an owner")
        if not self.categories:
            raise BadInput("a priority needs its crime categories (--category, repeatable)")
        self.priority_id: int | None = None

    def apply(self, store: Store) -> Changed:
        if db.find_priority(store, self.name) is not None:
            raise BadInput(f"there is already a priority called {self.name!r} (retired ones keep their name)")
        user = current_user()
        self.priority_id = db.insert_priority(store, self.name, self.categories, self.owner, user,
                                              priority_id=self.priority_id)
        store.audit(AuditAction.PRIORITY_ADD, "priority", self.priority_id,
                    {"name": self.name, "categories": self.categories, "owner": self.owner}, why=self.why)
        return Changed("strategy", (self.priority_id,), {"priority": self.name})

    def revert(self, store: Store) -> Changed:
        db.delete_priority(store, self.priority_id)
        return Changed("strategy", (self.priority_id,), {"priority": self.name})


class RetirePriority(Command):
    """Retire a priority: no new PATP may use it; existing PATPs keep it."""

    description = "Retire priority"

    def __init__(self, key: str | int, on: date | None = None, why: str | None = None):
        super().__init__(why)
        self.key, self.on = key, on
        self.priority: dict | None = None

    def apply(self, store: Store) -> Changed:
        self.priority = db.find_priority(store, self.key)
        if self.priority is None:
            raise NotFound(f"no priority {self.key!r} (see `workbench priorities list`)")
        if self.priority["retired_at"]:
            raise NotAllowed(f"{self.priority['name']!r} was already retired on {self.priority['retired_at']}")
        retired = (self.on or date.today()).isoformat()
        db.set_priority_retired(store, self.priority["id"], retired)
        store.audit(AuditAction.PRIORITY_RETIRE, "priority", self.priority["id"], {"name": self.priority["name"]}, why=self.why)
        return Changed("strategy", (self.priority["id"],), {"retired": retired})

    def revert(self, store: Store) -> Changed:
        db.set_priority_retired(store, self.priority["id"], None)
        return Changed("strategy", (self.priority["id"],), {"retired": None})


class AddRequirement(Command):
    """Add an intelligence requirement under a priority (optionally answered by a saved search)."""

    description = "Add intelligence requirement"

    def __init__(self, priority: str | int, text: str, search_name: str | None = None, why: str | None = None):
        super().__init__(why)
        self.priority, self.text, self.search_name = priority, " ".join(text.split()), search_name
        if not self.text:
            raise BadInput("an intelligence requirement needs its text")
        self.requirement_id: int | None = None

    def apply(self, store: Store) -> Changed:
        name = require_priority(store, str(self.priority))
        if self.search_name:
            from workbench.store.scan import require_search

            require_search(store, self.search_name)
        user = current_user()
        priority_id = db.find_priority(store, name)["id"]
        self.requirement_id = db.insert_requirement(store, priority_id, self.text, self.search_name, user)
        store.audit(AuditAction.REQUIREMENT_ADD, "intel_requirement", self.requirement_id,
                    {"priority": name, "text": self.text, "search": self.search_name}, why=self.why)
        return Changed("strategy", (self.requirement_id,), {"requirement": self.requirement_id})

    def revert(self, store: Store) -> Changed:
        db.delete_requirement(store, self.requirement_id)
        return Changed("strategy", (self.requirement_id,), {"requirement": self.requirement_id})
