"""Offences as arrays for pairwise linkage: positions, time windows, coded attributes.

:class:`LinkageData` is built once from the store's offence frame and feature rows (or
from a canonical offence CSV frame) and then indexed by position, so pair features are
numpy gathers rather than lookups. MO behaviour sets are bit masks (one bit per
behaviour of a domain), so Jaccard similarity of many pairs is a popcount.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.linkage.config import crime_group

EPOCH = np.datetime64("1970-01-01T00:00:00")
#: Windows are at least this wide (days): a point time is a one-minute window.
MIN_WIDTH_DAYS = 1.0 / 1440.0


@dataclass
class Attribute:
    """A victim or suspect attribute: numeric (difference) or categorical (match)."""

    kind: str                 # 'victim' or 'suspect'
    name: str
    numeric: bool
    values: np.ndarray        # float (NaN missing) if numeric, else int codes (-1 missing)
    labels: tuple = ()        # category labels for codes

    @property
    def column(self) -> str:
        return f"{self.kind}_{self.name}"


@dataclass
class LinkageData:
    """Arrays, one entry per offence, in the order of ``ids``."""

    ids: np.ndarray                 # store ids (int64)
    refs: np.ndarray                # offence references (object)
    category: np.ndarray            # category text (object)
    group: np.ndarray               # crime group text (object)
    x: np.ndarray                   # easting (m)
    y: np.ndarray                   # northing (m)
    t_from: np.ndarray              # window start, days since 1970-01-01 (float64)
    t_to: np.ndarray                # window end, days (>= t_from + MIN_WIDTH_DAYS)
    location_type: np.ndarray       # int codes, -1 missing
    location_labels: tuple
    mo: dict[str, np.ndarray] = field(default_factory=dict)      # domain -> (n, words) uint64
    mo_vocab: dict[str, tuple] = field(default_factory=dict)     # domain -> behaviours
    attributes: list[Attribute] = field(default_factory=list)
    solved: np.ndarray | None = None        # bool
    offenders: list[tuple] | None = None    # per offence, tuple of offender keys

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def mid(self) -> np.ndarray:
        return (self.t_from + self.t_to) / 2.0

    @property
    def half_width(self) -> np.ndarray:
        return (self.t_to - self.t_from) / 2.0

    def positions(self, ids) -> np.ndarray:
        """Positions of store ids (raises KeyError naming a missing id)."""
        lookup = pd.Index(self.ids)
        pos = lookup.get_indexer(np.asarray(ids, dtype=np.int64))
        if (pos < 0).any():
            raise KeyError(f"offence id {np.asarray(ids)[pos < 0][0]} is not in the data")
        return pos

    def mo_sets(self, domain: str, i: int) -> set[str]:
        """The behaviours of offence ``i`` in ``domain`` (for reasons and CCA)."""
        vocab = self.mo_vocab[domain]
        words = self.mo[domain][i]
        return {vocab[b] for b in range(len(vocab)) if words[b // 64] >> np.uint64(b % 64) & np.uint64(1)}

    def subset(self, positions: np.ndarray) -> LinkageData:
        """The same data restricted to ``positions`` (vocabularies kept)."""
        p = np.asarray(positions)
        return LinkageData(
            ids=self.ids[p], refs=self.refs[p], category=self.category[p], group=self.group[p],
            x=self.x[p], y=self.y[p], t_from=self.t_from[p], t_to=self.t_to[p],
            location_type=self.location_type[p], location_labels=self.location_labels,
            mo={d: m[p] for d, m in self.mo.items()}, mo_vocab=self.mo_vocab,
            attributes=[Attribute(a.kind, a.name, a.numeric, a.values[p], a.labels) for a in self.attributes],
            solved=None if self.solved is None else self.solved[p],
            offenders=None if self.offenders is None else [self.offenders[k] for k in p],
        )


def to_days(values) -> np.ndarray:
    """Datetimes (naive local) as float days since 1970-01-01."""
    stamps = pd.to_datetime(pd.Series(values), format="ISO8601").to_numpy(dtype="datetime64[s]")
    return (stamps - EPOCH).astype(np.int64) / 86400.0


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple]:
    cat = pd.Categorical(values)
    return cat.codes.astype(np.int32), tuple(str(c) for c in cat.categories)


def _mo_masks(ids: pd.Index, rows: pd.DataFrame) -> tuple[dict, dict]:
    """Bit masks per MO domain from (offence_id, name, value) rows."""
    masks, vocab = {}, {}
    for domain, part in rows.groupby("name", sort=True):
        behaviours = tuple(sorted(part["value"].unique()))
        words = (len(behaviours) + 63) // 64
        mask = np.zeros((len(ids), words), dtype=np.uint64)
        pos = ids.get_indexer(part["offence_id"].to_numpy())
        keep = pos >= 0
        bit = pd.Index(behaviours).get_indexer(part["value"].to_numpy())[keep]
        np.bitwise_or.at(mask, (pos[keep], bit // 64), np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64)))
        masks[str(domain)] = mask
        vocab[str(domain)] = behaviours
    return masks, vocab


def _attributes(ids: pd.Index, rows: pd.DataFrame) -> list[Attribute]:
    """Victim/suspect attributes: numeric when every value is a number, else categories."""
    out = []
    for (kind, name), part in rows.groupby(["kind", "name"], sort=True):
        part = part.drop_duplicates("offence_id")
        pos = ids.get_indexer(part["offence_id"].to_numpy())
        keep = pos >= 0
        numbers = pd.to_numeric(part["value"], errors="coerce")
        if numbers.notna().all():
            values = np.full(len(ids), np.nan)
            values[pos[keep]] = numbers.to_numpy(dtype=float)[keep]
            out.append(Attribute(str(kind), str(name), True, values))
        else:
            text = part["value"].astype(str).str.strip().str.lower()
            codes, labels = _codes(text)
            values = np.full(len(ids), -1, dtype=np.int32)
            values[pos[keep]] = codes[keep]
            out.append(Attribute(str(kind), str(name), False, values, labels))
    return out


def build(frame: pd.DataFrame, features: pd.DataFrame, offender_links: pd.DataFrame | None = None) -> LinkageData:
    """Linkage arrays from ``load_frame`` / ``load_features`` / ``load_offender_links``.

    ``frame`` needs id, offence_ref, category, committed_from, committed_to, easting,
    northing (location_type and status optional); ``features`` has rows
    (offence_id, kind, name, value).
    """
    ids = pd.Index(frame["id"].to_numpy(dtype=np.int64))
    t_from = to_days(frame["committed_from"])
    t_to = np.maximum(to_days(frame["committed_to"]), t_from + MIN_WIDTH_DAYS)
    loc_src = frame["location_type"] if "location_type" in frame else pd.Series([None] * len(frame))
    loc = loc_src.astype("string").str.strip().str.lower().replace("", pd.NA)
    loc_codes, loc_labels = _codes(loc)
    category = frame["category"].astype(str).to_numpy(dtype=object)
    feats = features if len(features) else pd.DataFrame(columns=["offence_id", "kind", "name", "value"])
    masks, vocab = _mo_masks(ids, feats[feats["kind"] == "mo"])
    data = LinkageData(
        ids=ids.to_numpy(), refs=frame["offence_ref"].astype(str).to_numpy(dtype=object),
        category=category, group=np.array([crime_group(c) for c in category], dtype=object),
        x=frame["easting"].to_numpy(dtype=float), y=frame["northing"].to_numpy(dtype=float),
        t_from=t_from, t_to=t_to, location_type=loc_codes, location_labels=loc_labels,
        mo=masks, mo_vocab=vocab, attributes=_attributes(ids, feats[feats["kind"] != "mo"]),
    )
    if "status" in frame:
        data.solved = (frame["status"].astype(str).to_numpy() == "solved")
    if offender_links is not None:
        keys: dict[int, list[str]] = {}
        for oid, key in zip(offender_links["offence_id"].to_numpy(), offender_links["offender_key"].astype(str)):
            keys.setdefault(int(oid), []).append(key)
        data.offenders = [tuple(sorted(keys.get(int(i), ()))) for i in data.ids]
        has = np.array([bool(k) for k in data.offenders], dtype=bool)
        data.solved = has if data.solved is None else (data.solved & has)
    return data


def from_canonical(frame: pd.DataFrame) -> LinkageData:
    """Linkage arrays straight from a canonical offence CSV frame (benchmarks, the
    generator's output), without going through a store. Ids are row numbers + 1."""
    frame = frame.reset_index(drop=True)
    base = pd.DataFrame({
        "id": np.arange(1, len(frame) + 1),
        "offence_ref": frame["offence_ref"],
        "category": frame["category"].astype(str).str.strip().str.lower().str.replace(r"[\s_]+", "-", regex=True),
        "committed_from": frame["committed_from"],
        "committed_to": frame["committed_to"].where(
            frame["committed_to"].notna() & (frame["committed_to"].astype(str) != ""), frame["committed_from"])
        if "committed_to" in frame else frame["committed_from"],
        "easting": frame["easting"], "northing": frame["northing"],
        "location_type": frame.get("location_type", None),
        "status": frame.get("status", "unsolved"),
    })
    rows = []
    for col in frame.columns:
        low = col.lower()
        if low == "victim_ref":
            continue            # a pseudonymous reference (offence CSV 1.1), not a victim attribute
        for prefix in ("mo_", "victim_", "suspect_"):
            if low.startswith(prefix):
                values = frame[col].astype("string").str.strip()
                present = values.notna() & (values != "")
                part = pd.DataFrame({"offence_id": base["id"][present], "value": values[present]})
                if prefix == "mo_":
                    part = part.assign(value=part["value"].str.lower().str.split(";")).explode("value")
                    part["value"] = part["value"].str.strip()
                    part = part[part["value"] != ""]
                rows.append(part.assign(kind=prefix[:-1], name=low[len(prefix):]))
    features = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["offence_id", "kind", "name", "value"])
    links = None
    if "offender_ids" in frame:
        ids = frame["offender_ids"].astype("string").str.split(";")
        links = pd.DataFrame({"offence_id": base["id"], "offender_key": ids}).explode("offender_key").dropna()
        links["offender_key"] = links["offender_key"].str.strip()
        links = links[links["offender_key"] != ""]
    return build(base, features, links)
