"""The roles a person can hold in a store, and what each one allows.

Roles are granted per store by its admins (``workbench roles grant USER ROLE``) and are
held by operating-system login names (:mod:`workbench.identity`).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role in a store (the value is what commands take and the store keeps)."""

    ANALYST = "analyst"
    HIGHER_ANALYST = "higher-analyst"
    TTCG_CHAIR = "ttcg-chair"
    ADMIN = "admin"

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS = {
    Role.ANALYST: "drafts PATPs, records link and series decisions, exports within the release rules",
    Role.HIGHER_ANALYST: "quality-assures and approves other analysts' PATPs",
    Role.TTCG_CHAIR: "chairs the TTCG (recorded, so the decision log shows who chaired)",
    Role.ADMIN: "grants and revokes roles; the person who creates a store is its first admin",
}
