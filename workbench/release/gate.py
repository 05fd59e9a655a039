"""The release gate: what may leave Workbench for a destination, and its marking.

Everything that leaves the analyst's screen (a file, a chart, a pack, a return) is
built from a :class:`Released` value, and only :func:`release` makes one: content plus
a :class:`Policy` (destination, accepted conditions, the store's marking and ceiling)
in, released content plus a withheld list out. Writers accept nothing else.

Content is of three kinds (:class:`Content`):

``reports``
    Intelligence reports whose *text* is part of the export. Each is released whole or
    withheld whole (:func:`decide`).
``facts``
    Derived facts: rows of a table (an entity, a location, a VRM, an associate, a chart
    node or link) with the reports they are known from (``Fact.sources``) and whether
    the store's own records (offences) show them too (``Fact.recorded``). A fact known
    from a released report is released with the refs of those released reports only; a
    fact known only from withheld reports is withheld (and not named anywhere).
``records``
    The store's own records (offences, PATPs, series): no handling code, marked with the
    store's marking.

The export's marking is the highest of what it holds: the store's marking when it holds
records or recorded facts, and the marking of every released report (whether its text
or a fact from it is released). Withheld reports are listed by reference and reason
only: never their text, conditions or any fact from them.

A ``build`` function turns the released parts into the body the writer draws
(a document model, a graph, rows); the gate calls it, so a body only ever sees what
was released.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from workbench.domain.grading import (
    DEFAULT_MARKING,
    DESTINATIONS,
    HANDLING,
    needs_conditions,
    permitted_destinations,
)
from workbench.errors import BadInput
from workbench.release.marking import above, highest, release_ceiling, store_marking

_GATE = object()          # only this module holds it: the key to construct a Released


class ReleaseError(BadInput):
    """An export that cannot be made as asked (unknown destination, bad target); one line."""


def check_destination(destination: str) -> str:
    """The destination, or :class:`ReleaseError` listing the valid ones."""
    if destination not in DESTINATIONS:
        raise ReleaseError(f"unknown destination {destination!r}: use one of {', '.join(DESTINATIONS)}")
    return destination


@dataclass(frozen=True)
class Policy:
    """What decides a release: where it goes and the store's rules.

    ``ceiling`` is the highest marking that may be released (see
    :func:`workbench.release.marking.release_ceiling`); ``marking`` the store's own.
    """

    destination: str = "internal"
    accept_conditions: bool = False
    marking: str = DEFAULT_MARKING
    ceiling: str = DEFAULT_MARKING

    def __post_init__(self):
        check_destination(self.destination)


def policy(store, destination: str = "internal", *, accept_conditions: bool = False) -> Policy:
    """The release policy of ``store`` for ``destination``."""
    return Policy(check_destination(destination), accept_conditions, store_marking(store), release_ceiling(store))


@dataclass(frozen=True)
class Fact:
    """A derived fact: ``data`` (one row of a table, no report counts in it) known from the
    reports whose keys are in ``sources`` (report ids) and, when ``recorded``, from the
    store's own records. ``marking`` is the fact's own marking when it carries one (a
    rejected input row marked SECRET): above the ceiling it is withheld, else it counts
    towards the export's marking."""

    data: Mapping[str, Any]
    sources: frozenset = frozenset()
    recorded: bool = False
    marking: str | None = None


@dataclass
class Content:
    """What an export would hold before the gate (see the module docstring).

    ``evidence`` holds every report a fact comes from, by key (:func:`report_key`);
    ``reports`` are added to it automatically.
    """

    reports: Sequence[Mapping] = ()
    facts: Mapping[str, Sequence[Fact]] = field(default_factory=dict)
    evidence: Mapping[Any, Mapping] = field(default_factory=dict)
    records: bool = False
    build: Callable[[Released], Any] | None = None


def report_key(report: Mapping) -> Any:
    """The key facts use for a report: its store id, else its reference."""
    return report.get("id", report.get("intel_ref"))


def decide(report: Mapping, rules: Policy) -> tuple[bool, str]:
    """May ``report`` go where ``rules`` say? ``(ok, reason)``.

    A withheld report's reason never quotes its conditions or text (it is listed in
    exports); a released 3x5x2 ``C`` report's conditions travel with it instead.
    """
    system, code = report.get("grading"), report.get("handling")
    if not system:
        return False, "no longer in the store: its handling code cannot be checked"
    marking = (report.get("security_marking") or DEFAULT_MARKING).upper()
    if above(marking, rules.ceiling):
        return False, f"marked {marking}: above {rules.ceiling}, the most Workbench may release"
    label = f"{system} handling {code}"
    meaning = HANDLING.get(system, {}).get(code)
    if meaning is None:
        return False, f"{label}: not a known handling code"
    if needs_conditions(system, code):
        if not (report.get("handling_conditions") or "").strip():
            return False, f"{label}: no conditions recorded, so it cannot be shared"
        if rules.destination in permitted_destinations(system, code):
            return True, f"{label}: within the originating agency; its conditions travel with it"
        if rules.accept_conditions:
            return True, f"{label}: shared on its recorded conditions, which travel with it"
        return False, f"{label}: {rules.destination} needs its handling conditions accepted"
    if rules.destination in permitted_destinations(system, code):
        return True, f"{label}: {meaning.lower()}"
    return False, f"{label} ({meaning.lower()}) does not permit {rules.destination}"


def _frozen(record: Mapping) -> Mapping:
    return MappingProxyType(dict(record))


class Released:
    """Content cleared for one destination; only :func:`release` makes one.

    Attributes
    ----------
    destination : str
    marking : str
        The highest marking of what it holds (print it top and bottom, first line...).
    reports : tuple of mappings
        Released reports (``handling_notice`` added to 3x5x2 ``C`` ones).
    facts : mapping of name -> tuple of mappings
        Released facts: their ``data`` plus ``reports`` (refs of the released reports
        they are known from) and ``recorded``.
    records : bool
        Whether it holds the store's own records.
    body : any
        What ``Content.build`` made from the released parts (None without one).
    withheld : tuple of mappings
        ``{"intel_ref", "reason"}`` of every report withheld, text and conditions never included.
    facts_withheld : mapping of name -> int
        How many facts of each table were known only from withheld reports.
    """

    __slots__ = (
        "accept_conditions",
        "body",
        "destination",
        "facts",
        "facts_withheld",
        "marking",
        "records",
        "reports",
        "withheld",
    )
    # The slots' types, for the type checker (set once by __init__).
    accept_conditions: Any
    body: Any
    destination: str
    facts: Mapping[str, tuple[Mapping[str, Any], ...]]
    facts_withheld: Mapping[str, int]
    marking: str
    records: bool
    reports: tuple[Mapping[str, Any], ...]
    withheld: tuple[Mapping[str, Any], ...]

    def __init__(self, key: object, **parts: Any):
        if key is not _GATE:
            raise TypeError("a Released value is made only by workbench.release.release()")
        for name in self.__slots__:
            object.__setattr__(self, name, parts[name])

    def __init_subclass__(cls, **kwargs):
        raise TypeError("Released cannot be subclassed: the gate alone makes released content")

    def __setattr__(self, name, value):
        raise AttributeError("released content cannot be changed")

    def __reduce__(self):
        raise TypeError("released content cannot be copied or pickled; release it again")

    @property
    def refs(self) -> list[str]:
        """References of every report released as text or through a fact."""
        found = {r.get("intel_ref") for r in self.reports}
        for rows in self.facts.values():
            for row in rows:
                found.update(row["reports"])
        return sorted(r for r in found if r)

    def audit_detail(self) -> dict:
        """What the audit entry of this release records."""
        return {"destination": self.destination, "marking": self.marking, "accept_conditions": self.accept_conditions,
                "released": self.refs, "withheld": [dict(w) for w in self.withheld],
                "facts_withheld": dict(self.facts_withheld)}

    def as_json(self) -> dict:
        """A summary for command output: destination, marking, counts and the withheld list."""
        return {"destination": self.destination, "marking": self.marking, "released": len(self.reports),
                "withheld": [dict(w) for w in self.withheld]}


def release(content: Content, rules: Policy) -> Released:
    """Clear ``content`` for ``rules.destination``; return the :class:`Released` value."""
    if not isinstance(rules, Policy):
        raise TypeError("release() needs a Policy (workbench.release.policy(store, destination))")
    evidence = dict(content.evidence)
    for report in content.reports:
        evidence.setdefault(report_key(report), report)
    decisions = {key: decide(report, rules) for key, report in evidence.items()}

    withheld: dict[Any, dict] = {}
    used: set = set()

    def withhold(key) -> None:
        if key not in withheld:
            withheld[key] = {"intel_ref": evidence[key].get("intel_ref") or str(key),
                             "reason": decisions[key][1]}

    reports = []
    for report in content.reports:
        key = report_key(report)
        if decisions[key][0]:
            used.add(key)
            out = dict(report)
            if needs_conditions(report.get("grading"), report.get("handling")):
                out["handling_notice"] = f"Handling conditions: {report.get('handling_conditions')}"
            reports.append(_frozen(out))
        else:
            withhold(key)

    facts: dict[str, tuple] = {}
    facts_withheld: dict[str, int] = {}
    recorded = content.records
    own_markings = []
    for name, rows in content.facts.items():
        kept = []
        for fact in rows:
            if fact.marking is not None and above(fact.marking, rules.ceiling):
                facts_withheld[name] = facts_withheld.get(name, 0) + 1
                continue
            unknown = [k for k in fact.sources if k not in evidence]
            if unknown:
                raise KeyError(f"fact of {name!r} cites reports not given as evidence: {unknown[:3]}")
            cleared = sorted((k for k in fact.sources if decisions[k][0]), key=str)
            for key in fact.sources:
                if not decisions[key][0]:
                    withhold(key)
            if not cleared and not fact.recorded:
                facts_withheld[name] = facts_withheld.get(name, 0) + 1
                continue
            used.update(cleared)
            recorded = recorded or fact.recorded
            if fact.marking is not None:
                own_markings.append(fact.marking)
            kept.append(_frozen({**fact.data, "reports": tuple(evidence[k].get("intel_ref") for k in cleared),
                                 "recorded": fact.recorded}))
        facts[name] = tuple(kept)

    markings = ([rules.marking] if recorded else []) + own_markings + [
        evidence[k].get("security_marking") for k in sorted(used, key=str)]
    parts = {"destination": rules.destination, "marking": highest(markings, rules.marking),
             "reports": tuple(reports), "facts": MappingProxyType(facts), "records": recorded,
             "withheld": tuple(_frozen(w) for w in withheld.values()),
             "facts_withheld": MappingProxyType(facts_withheld), "accept_conditions": rules.accept_conditions}
    cleared = Released(_GATE, body=None, **parts)
    if content.build is None:
        return cleared
    return Released(_GATE, body=content.build(cleared), **parts)
