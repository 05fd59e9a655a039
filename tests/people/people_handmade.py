"""Small hand-made people data with known answers."""

from __future__ import annotations

from workbench.store.offences import write_offences
from workbench.store.people import write_episodes, write_nominals

X0, Y0 = 530000.0, 182000.0


def offence(ref: str, category: str, when: str, x: float = X0, y: float = Y0, *, to: str | None = None,
            victim_ref: str | None = None, series_ref: str | None = None, offenders=(), suspect: dict | None = None,
            status: str | None = None) -> dict:
    features = [("suspect", k, v) for k, v in (suspect or {}).items()]
    return {"source": "force", "offence_ref": ref, "category": category, "committed_from": when,
            "committed_to": to or when, "easting": x, "northing": y, "longitude": -0.12, "latitude": 51.52,
            "borough": "Camden", "victim_ref": victim_ref, "series_ref": series_ref,
            "status": status or ("solved" if offenders else "unsolved"), "features": features,
            "offenders": list(offenders)}


def nominal(ref: str, *, flags=("rso",), x: float | None = X0 + 400, y: float | None = Y0, sex="M",
            born="1990-01-01", height=180, build="medium", ethnicity="IC1", **more) -> dict:
    return {"nominal_ref": ref, "surname": "Example", "forenames": ref, "date_of_birth": born, "sex": sex,
            "height_cm": height, "build": build, "ethnicity_code": ethnicity, "home_easting": x,
            "home_northing": y, "flags": list(flags), **more}


def episode(ref: str, person: str, reported: str, *, found: str | None = None, seen=(X0, Y0), found_at_xy=None,
            risk="medium", home_type="children's home", flags=None) -> dict:
    return {"episode_ref": ref, "person_ref": person, "reported_at": reported, "found_at": found,
            "last_seen_easting": seen[0] if seen else None, "last_seen_northing": seen[1] if seen else None,
            "found_easting": found_at_xy[0] if found_at_xy else None,
            "found_northing": found_at_xy[1] if found_at_xy else None,
            "risk": risk, "home_type": home_type, "flags": flags}


def load(store, offences=(), nominals=(), episodes=()) -> None:
    with store.atomic():
        write_offences(store, offences)
    write_nominals(store, nominals)
    write_episodes(store, episodes)
