"""The people part of a person's page: management status, missing episodes, victimisation.

``key`` is any identifier the store holds for the person: a nominal's reference (the same
as offences' ``offender_ids`` and intelligence subjects), a missing episode's
``person_ref`` or an offence's ``victim_ref``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from workbench.domain.categories import LABELS
from workbench.domain.people import FLAGS, MANAGED, mappa_level
from workbench.people.overview import episode_records
from workbench.store.db import Store
from workbench.store.people import load_episodes, load_nominals, victim_offences


def management(row: dict, today: date) -> dict:
    """A nominal's management status: flags (with meanings), MAPPA level, conditions,
    curfew, exclusion zone, review date and whether it is overdue, marking."""
    review = row.get("review_date")
    return {
        "nominal": row["nominal_ref"],
        "name": " ".join(p for p in (row.get("forenames"), row.get("surname")) if p) or None,
        "date_of_birth": row.get("date_of_birth"), "sex": row.get("sex"), "height_cm": row.get("height_cm"),
        "build": row.get("build"), "ethnicity_code": row.get("ethnicity_code"),
        "flags": [{"flag": f, "meaning": FLAGS[f]} for f in row["flags"]],
        "managed": any(f in MANAGED for f in row["flags"]),
        "mappa_level": mappa_level(row["flags"]),
        "offending": [LABELS.get(c, c) for c in (row.get("offending") or "").split(";") if c],
        "conditions": row.get("conditions"),
        "curfew": f"{row['curfew_from']}-{row['curfew_to']}" if row.get("curfew_from") else None,
        "exclusion_wkt": row.get("exclusion_wkt"),
        "home": ({"easting": row["home_easting"], "northing": row["home_northing"],
                  "borough": row.get("home_borough"), "ward": row.get("home_ward")}
                 if pd.notna(row.get("home_easting")) else None),
        "review_date": review,
        "review_overdue": bool(review and review < today.isoformat()),
        "security_marking": row["security_marking"],
    }


def people_section(store: Store, key: str, *, today: date | None = None) -> dict:
    """``{"nominal": management or None, "missing_episodes": [...], "victimisation":
    [...], "known": bool}`` for person ``key``."""
    today = today or date.today()
    nominal = load_nominals(store, refs=[key])
    episodes = load_episodes(store, person_refs=[key])
    victim = victim_offences(store, victim_refs=[key])
    return {
        "known": bool(len(nominal) or len(episodes) or len(victim)),
        "nominal": management(nominal.iloc[0].to_dict(), today) if len(nominal) else None,
        "missing_episodes": episode_records(episodes),
        "victimisation": [{"id": int(r.id), "offence_ref": r.offence_ref, "category": r.category,
                           "committed_from": r.committed_from.isoformat(timespec="minutes"),
                           "location_desc": r.location_desc, "borough": r.borough}
                          for r in victim.itertuples(index=False)],
    }
