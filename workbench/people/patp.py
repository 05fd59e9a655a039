"""The "nominals of interest" section of a PATP.

For the PATP's offences: the nominals ranked as suspects (:mod:`workbench.people.suspects`)
and any nominal already linked to one of the offences. Like graded intelligence, each
nominal passes the release rules before it is put in a product: a nominal marked above
the store's release ceiling (:func:`workbench.release.policy`) is withheld, listed by
reference and reason only, and the section's marking is the highest of those released.
"""

from __future__ import annotations

from workbench.domain.people import FLAGS, mappa_level
from workbench.people.suspects import suspects_for
from workbench.release import highest, policy
from workbench.release.marking import above
from workbench.store.db import Store
from workbench.store.people import load_nominals

#: How many ranked nominals a PATP lists.
MAX_NOMINALS = 10


def nominals_of_interest(store: Store, offence_ids, offenders: list[str]) -> dict:
    """``{"nominals": [...], "withheld": [{"nominal", "reason"}], "marking"}`` for a PATP
    on the offences ``offence_ids`` whose known offenders are ``offenders``."""
    rules = policy(store)
    ranked = suspects_for(store, offence_ids=list(offence_ids), top=MAX_NOMINALS).suspects if offence_ids else []
    chosen = {s["nominal"]: {"why": s["reasons"]["summary"], "score": s["score"]} for s in ranked}
    for ref in offenders:
        entry = chosen.setdefault(ref, {"why": "", "score": None})
        entry["why"] = "; ".join(p for p in ("linked to an offence of this problem", entry["why"]) if p)
    records = load_nominals(store, refs=list(chosen)).set_index("nominal_ref")
    released, withheld = [], []
    for ref, info in chosen.items():
        if ref not in records.index:
            continue
        row = records.loc[ref]
        if above(row["security_marking"], rules.ceiling):
            withheld.append({"nominal": ref, "reason": f"marked {row['security_marking']}: above {rules.ceiling}, "
                                                       "the most Workbench may release"})
            continue
        released.append({
            "nominal": ref, "flags": [FLAGS[f] for f in row["flags"]], "mappa_level": mappa_level(row["flags"]),
            "review_date": row["review_date"], "score": info["score"], "why": info["why"],
            "security_marking": row["security_marking"]})
    return {"nominals": released, "withheld": withheld,
            # the store's marking first, then the markings with most descriptors (kept when ranks tie)
            "marking": highest([rules.marking] + sorted((n["security_marking"] for n in released), key=len,
                                                        reverse=True))}
