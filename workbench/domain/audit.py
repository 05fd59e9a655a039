"""The audit vocabulary: every kind of entry the audit log can hold.

One enum rather than free strings, so an action cannot be misspelt at one call site and
audited under two names (the map export was once ``export.map`` from the command line and
``export.map_png`` from the window). :meth:`workbench.store.Store.audit` accepts nothing
else. The values are the strings stored in ``audit_log.action`` and accepted by
``workbench audit show --action``. A value, once written to stores, keeps its meaning:
rename a member's Python name freely, never its value.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What an audit entry records (``group.verb``; the group says what it is about)."""

    # imports and store administration
    IMPORT = "import"
    RETURNS_IMPORT = "returns.import"
    SETTING_CHANGE = "setting.change"
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    STORE_ENCRYPT = "store.encrypt"
    STORE_COPY = "store.copy"
    UNDO = "undo"

    # exports: everything that leaves the screen, written by workbench.release.export
    EXPORT_INTEL = "export.intel"
    EXPORT_PROFILE = "export.profile"
    EXPORT_CHART = "export.chart"
    EXPORT_PACK = "export.pack"
    EXPORT_RETURN = "export.return"
    EXPORT_CCA = "export.cca"
    EXPORT_MAP = "export.map"
    EXPORT_GEOPACKAGE = "export.geopackage"
    EXPORT_REJECTS = "export.rejects"
    EXPORT_RESULTS_CHART = "export.results_chart"
    EXPORT_ASSESSMENT = "export.assessment"
    EXPORT_INSIGHT = "export.insight"

    # linkage decisions
    LINK_TRAIN = "link.train"
    LINK_CONFIRM = "link.confirm"
    LINK_REJECT = "link.reject"
    SERIES_CREATE = "series.create"
    SERIES_ADD = "series.add"
    SERIES_REMOVE = "series.remove"
    SERIES_MERGE = "series.merge"
    SERIES_SPLIT = "series.split"
    SERIES_NAME = "series.name"

    # scanning
    SEARCH_SAVE = "search.save"
    SEARCH_SUBSCRIBE = "search.subscribe"
    SEARCH_UNSUBSCRIBE = "search.unsubscribe"
    SEARCH_DELETE = "search.delete"

    # tasking: PATPs and the TTCG
    PATP_CREATE = "patp.create"
    PATP_EDIT = "patp.edit"
    PATP_DELETE = "patp.delete"
    PATP_SUBMIT = "patp.submit"
    PATP_RETURN = "patp.return"
    PATP_APPROVE = "patp.approve"
    PATP_SCHEDULE = "patp.schedule"
    PATP_DECIDE = "patp.decide"
    PATP_SUBMIT_UNDO = "patp.submit.undo"
    PATP_RETURN_UNDO = "patp.return.undo"
    PATP_APPROVE_UNDO = "patp.approve.undo"
    PATP_SCHEDULE_UNDO = "patp.schedule.undo"
    PATP_DECIDE_UNDO = "patp.decide.undo"
    TTCG_CREATE = "ttcg.create"
    TTCG_AGENDA = "ttcg.agenda"
    TTCG_DECIDE = "ttcg.decide"
    TTCG_ACTION = "ttcg.action"
    TTCG_ACTION_STATUS = "ttcg.action.status"

    ASSESSMENT_CREATE = "assessment.create"
    ASSESSMENT_SUBMIT = "assessment.submit"
    ASSESSMENT_RETURN = "assessment.return"
    ASSESSMENT_APPROVE = "assessment.approve"

    # the control strategy: priorities and intelligence requirements
    PRIORITY_ADD = "priority.add"
    PRIORITY_RETIRE = "priority.retire"
    REQUIREMENT_ADD = "requirement.add"

    @classmethod
    def step(cls, subject: str, action: str, *, undo: bool = False) -> AuditAction:
        """The entry for a workflow step of a ``patp`` or an ``assessment`` (``submit``,
        ``approve``...) or its undo; a step with no member raises ValueError."""
        return cls(f"{subject}.{action}" + (".undo" if undo else ""))
