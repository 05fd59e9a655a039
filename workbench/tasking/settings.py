"""The store-wide settings an analyst may change (DOMAIN.md's *configurable* facts): the
borough, the force name, the security marking of products, the accreditation level of
this installation, the TTCG cycle and weekday. Who quality-assures is not a setting: it is
whoever holds the ``higher-analyst`` role (:func:`role_holders`, granted with
``workbench roles grant``).

Every value is checked before it is stored; :class:`SetSetting` is an undoable,
audited command used by ``workbench settings set`` and the Settings dialog alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotAllowed
from workbench.events import Changed
from workbench.store import Store
from workbench.store.strategy import all_settings, write_setting

#: Government Security Classifications, lowest first; OFFICIAL-SENSITIVE is a marking within OFFICIAL.
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CYCLES = {"weekly": 7, "fortnightly": 14}


def classification_rank(marking: str) -> int:
    """Rank of a marking's classification (``OFFICIAL-SENSITIVE PERSONAL`` ranks as OFFICIAL-SENSITIVE)."""
    text = marking.strip().upper()
    for rank in range(len(CLASSIFICATIONS) - 1, -1, -1):
        if text == CLASSIFICATIONS[rank] or text.startswith(CLASSIFICATIONS[rank] + " "):
            return rank
    raise BadInput(f"{marking!r} is not a security marking; it starts with one of: {', '.join(CLASSIFICATIONS)}")


def _marking(value: str) -> str:
    classification_rank(value)
    return " ".join(value.upper().split())


def _cycle(value: str) -> str:
    text = value.strip().lower()
    if text in CYCLES:
        return str(CYCLES[text])
    if text.isdigit() and int(text) in CYCLES.values():
        return text
    raise BadInput(f"the TTCG cycle is weekly or fortnightly (or 7 or 14 days), not {value!r}")


def _weekday(value: str) -> str:
    for day in WEEKDAYS:
        if day.lower().startswith(value.strip().lower()) and len(value.strip()) >= 3:
            return day
    raise BadInput(f"the TTCG weekday is one of {', '.join(WEEKDAYS)}, not {value!r}")


def _text(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise BadInput("the value may not be empty")
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    help: str
    check: Callable[[str], str]
    default: str


SETTINGS = {s.key: s for s in (
    Setting("borough", "Borough", "the borough this BIU serves (as its boundary is named); products and "
            "meetings default to it", lambda v: " ".join(v.split()), ""),
    Setting("organisation", "Force name", "printed on the cover of every product", _text,
            "Metropolitan Police Service"),
    Setting("security_marking", "Security marking", "printed on every page of every product: OFFICIAL, "
            "OFFICIAL-SENSITIVE (optionally with a descriptor), SECRET or TOP SECRET", _marking,
            "OFFICIAL-SENSITIVE"),
    Setting("accreditation_level", "Accreditation level", "the highest classification this installation "
            "is accredited to hold; imports and products above it are refused", _marking, "OFFICIAL-SENSITIVE"),
    Setting("ttcg_cycle_days", "TTCG cycle", "weekly or fortnightly (stored as 7 or 14 days)", _cycle, "14"),
    Setting("ttcg_weekday", "TTCG weekday", "the day the TTCG meets; the first meeting is on the next one",
            _weekday, "Thursday"),
)}


def current_settings(store: Store) -> dict[str, str]:
    """Every setting of :data:`SETTINGS` with its value (the default where none is stored)."""
    stored = all_settings(store)
    return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}


def checked_value(store: Store, key: str, value: str) -> str:
    """``value`` normalised for ``key``, or BadInput saying what is allowed."""
    if key not in SETTINGS:
        raise BadInput(f"unknown setting {key!r}; one of: {', '.join(SETTINGS)}")
    checked = SETTINGS[key].check(str(value))
    values = {**current_settings(store), key: checked}
    if classification_rank(values["security_marking"]) > classification_rank(values["accreditation_level"]):
        raise NotAllowed(f"the marking {values['security_marking']} is above this installation's accreditation "
                         f"level ({values['accreditation_level']})")
    return checked


class SetSetting(Command):
    """Change one setting (checked; undo restores the old value; audited both ways)."""

    description = "Change setting"

    def __init__(self, key: str, value: str, why: str | None = None):
        super().__init__(why)
        self.key, self.value = key, value
        self.old: str | None = None
        self.description = f"Change {SETTINGS[key].label.lower()}" if key in SETTINGS else "Change setting"

    def apply(self, store: Store) -> Changed:
        self.value = checked_value(store, self.key, self.value)
        self.old = all_settings(store).get(self.key)
        write_setting(store, self.key, self.value)
        store.audit(AuditAction.SETTING_CHANGE, "setting", self.key, {"from": self.old, "to": self.value}, why=self.why)
        return Changed("setting", (self.key,), {"key": self.key, "value": self.value})

    def revert(self, store: Store) -> Changed:
        write_setting(store, self.key, self.old)
        return Changed("setting", (self.key,), {"key": self.key, "value": self.old})


def role_holders(store: Store) -> dict[str, list[str]]:
    """Who holds each role in this store (``higher-analyst`` holders quality-assure PATPs
    and assessments), from the one roles mechanism (:mod:`workbench.store.roles`)."""
    from workbench.store.roles import holders

    out: dict[str, list[str]] = {}
    for row in holders(store):
        out.setdefault(row["role"], []).append(row["user"])
    return out
