"""Candidate series from the link graph, and what an analyst needs to know about each.

The graph (NetworkX) has offences as nodes and links scored at or above a threshold as
edges (weight = score; confirmed links weigh 1, rejected links are absent). Connected
components are candidate series; a component larger than ``max_size`` (a dense area
chaining unrelated offences together) is split into Louvain communities.

Each series is described by its offences, strength (mean score of its links), time
span, geography (centre and radius), common MO and a risk indicator: *escalation* when
the severity of its offences rises over time and *shortening intervals* when the gaps
between offences shrink. Series are ranked by strength times recency (halving every
``half_life_days`` since the last offence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from workbench.linkage.dataset import LinkageData

#: Candidate series larger than this are split into Louvain communities: single-link
#: components chain neighbouring series together (on the synthetic data, splitting at 12
#: raised the share of a series' offences by its main offender from 0.40 to 0.46).
MAX_SERIES_SIZE = 12

#: Candidate series smaller than this are not listed by default: two offences linked by
#: one score are a link to check, not yet a series (an analyst can lower it to 2).
MIN_SERIES_SIZE = 3

#: A series holds offences joined by links scored at least this (the command line, the
#: Series view and :func:`find_series` share it).
MIN_SCORE = 0.5

#: Severity of categories for the escalation indicator (higher = more serious).
CATEGORY_SEVERITY = {
    "exposure": 1, "other-sexual": 1, "sexual-assault": 2, "rape": 3,
    "theft-from-vehicle": 1, "theft-of-vehicle": 1, "bicycle-theft": 1, "other-theft": 1,
    "shoplifting": 1, "theft-from-person": 2, "criminal-damage": 1, "burglary-business": 2,
    "burglary-residential": 2, "robbery-personal": 3, "robbery-business": 3,
    "violence-without-injury": 2, "violence-with-injury": 3,
}
#: Behaviour words that make an offence more serious wherever they are recorded.
SERIOUS_WORDS = ("weapon", "knife", "gun", "firearm", "violence", "threat", "restrain", "injur", "strangl", "punch")


@dataclass
class Series:
    """A candidate or confirmed series (positions into the linkage data)."""

    positions: list[int]
    strength: float
    ids: list[int] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    first: str = ""
    last: str = ""
    span_days: float = 0.0
    centre: tuple[float, float] = (0.0, 0.0)
    radius_m: float = 0.0
    common_mo: dict[str, list[str]] = field(default_factory=dict)
    risk: str = "low"
    risk_reasons: list[str] = field(default_factory=list)
    rank_score: float = 0.0
    categories: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"offences": self.refs, "offence_ids": self.ids, "score": round(self.strength, 4), "size": len(self.refs),
                "first": self.first, "last": self.last, "span_days": round(self.span_days, 1),
                "centre": [round(self.centre[0]), round(self.centre[1])], "radius_m": round(self.radius_m),
                "categories": self.categories, "common_mo": self.common_mo, "risk": self.risk,
                "risk_reasons": self.risk_reasons, "rank_score": round(self.rank_score, 4)}


def link_graph(pairs: np.ndarray, scores: np.ndarray, min_score: float) -> nx.Graph:
    """Graph of offences (positions) joined by links scored at least ``min_score``."""
    keep = scores >= min_score
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(pairs[keep, 0].tolist(), pairs[keep, 1].tolist(), scores[keep].astype(float).tolist()))
    return graph


def communities(graph: nx.Graph, *, max_size: int = MAX_SERIES_SIZE, seed: int = 0) -> list[set[int]]:
    """Connected components of 2+ offences; oversized ones split into Louvain communities
    (repeatedly, while a part is still oversized and Louvain can split it)."""
    out = []
    todo = [set(c) for c in nx.connected_components(graph)]
    while todo:
        comp = todo.pop()
        if len(comp) > max_size:
            parts = nx.community.louvain_communities(graph.subgraph(comp), weight="weight", seed=seed)
            if len(parts) > 1:
                todo.extend(parts)
                continue
        if len(comp) >= 2:
            out.append(comp)
    return out


def strength(graph: nx.Graph, members) -> float:
    """Mean score of the links inside a series (0 without links)."""
    sub = graph.subgraph(members)
    weights = [w for _, _, w in sub.edges(data="weight")]
    return float(np.mean(weights)) if weights else 0.0


def _iso(days: float) -> str:
    return str(np.datetime64("1970-01-01T00:00:00") + np.timedelta64(int(round(days * 86400)), "s"))[:16]


def severity(data: LinkageData, pos: int) -> float:
    """Category severity plus one per serious behaviour recorded."""
    score = float(CATEGORY_SEVERITY.get(data.category[pos], 1))
    for domain in data.mo:
        score += sum(1 for b in data.mo_sets(domain, pos) if any(w in b for w in SERIOUS_WORDS))
    return score


def risk_indicator(data: LinkageData, ordered: list[int]) -> tuple[str, list[str]]:
    """('high'|'medium'|'low', reasons) from escalation and shortening intervals."""
    reasons = []
    if len(ordered) >= 3:
        sev = np.array([severity(data, p) for p in ordered])
        slope = np.polyfit(np.arange(len(sev)), sev, 1)[0]
        if slope > 0.05 and sev[-1] > sev[0]:
            reasons.append(f"escalating: severity {sev[0]:g} at first, {sev[-1]:g} latest")
        gaps = np.diff(data.mid[ordered])
        if len(gaps) >= 3:
            half = len(gaps) // 2
            early, late = gaps[:half].mean(), gaps[half:].mean()
            if late < 0.6 * early:
                reasons.append(f"intervals shortening: {early:.0f} days apart at first, {late:.0f} lately")
    sexual = any(data.group[p] == "sexual" for p in ordered)
    level = "high" if len(reasons) == 2 or (reasons and sexual) else ("medium" if reasons else "low")
    return level, reasons


def common_mo(data: LinkageData, positions: list[int], share: float = 0.5) -> dict[str, list[str]]:
    """Per MO domain, the behaviours recorded in at least ``share`` of the offences."""
    out = {}
    for domain in sorted(data.mo):
        counts: dict[str, int] = {}
        for p in positions:
            for b in data.mo_sets(domain, p):
                counts[b] = counts.get(b, 0) + 1
        shared = sorted(b for b, c in counts.items() if c >= max(2, share * len(positions)))
        if shared:
            out[domain] = shared
    return out


def describe_series(data: LinkageData, positions, graph: nx.Graph | None = None, *,
                    now_days: float | None = None, half_life_days: float = 90.0) -> Series:
    """A :class:`Series` with every summary filled in (positions sorted by time)."""
    ordered = sorted(positions, key=lambda p: (data.mid[p], p))
    mids = data.mid[ordered]
    xs, ys = data.x[ordered], data.y[ordered]
    cx, cy = float(xs.mean()), float(ys.mean())
    s = Series(positions=ordered, strength=strength(graph, ordered) if graph is not None else 1.0)
    s.ids = [int(data.ids[p]) for p in ordered]
    s.refs = [str(data.refs[p]) for p in ordered]
    s.first, s.last = _iso(float(data.t_from[ordered[0]])), _iso(float(data.t_from[ordered[-1]]))
    s.span_days = float(mids[-1] - mids[0])
    s.centre = (cx, cy)
    s.radius_m = float(np.hypot(xs - cx, ys - cy).max())
    s.categories = sorted(set(data.category[ordered].tolist()))
    s.common_mo = common_mo(data, ordered)
    s.risk, s.risk_reasons = risk_indicator(data, ordered)
    now = float(data.mid.max()) if now_days is None else now_days
    s.rank_score = s.strength * 0.5 ** (max(0.0, now - float(mids[-1])) / half_life_days)
    return s


def find_series(data: LinkageData, pairs: np.ndarray, scores: np.ndarray, *, min_score: float = MIN_SCORE,
                max_size: int = MAX_SERIES_SIZE, seed: int = 0) -> list[Series]:
    """Candidate series, strongest and most recent first."""
    graph = link_graph(pairs, scores, min_score)
    found = [describe_series(data, sorted(c), graph) for c in communities(graph, max_size=max_size, seed=seed)]
    found.sort(key=lambda s: (-s.rank_score, s.refs[0]))
    return found
