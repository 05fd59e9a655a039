"""Suggested tactics under the four headings of the tactical menu (Prevent, Intelligence,
Enforcement, Reassurance), chosen from the problem type, the crime group and the
offences' own pattern (peak day and hours, near-repeat risk). They are a starting
point: the analyst edits, removes and adds.
"""

from __future__ import annotations

from workbench.domain.categories import GROUPS, SEXUAL

_BY_GROUP: dict[str, dict[str, list[str]]] = {
    "burglary": {
        "Prevent": ["Cocooning: crime prevention visits to homes within 200 m of each burglary within 48 hours "
                    "(near-repeat risk window)",
                    "Target-hardening advice and property marking for the streets in the tasked area"],
        "Intelligence": ["Review outlets for stolen property (second-hand dealers, online marketplaces)",
                         "Debrief people arrested for acquisitive crime in the area"],
        "Enforcement": ["Search warrants and arrests for named suspects",
                        "Forensic submissions fast-tracked for the series"],
    },
    "robbery": {
        "Prevent": ["Street-safety messaging near transport hubs and schools at peak times"],
        "Intelligence": ["Trace and monitor phones and property taken in the robberies",
                         "CCTV trawl of the routes to and from the locations"],
        "Enforcement": ["Plain-clothes operation at the peak locations and times",
                        "Stop and search briefing on the suspect descriptions"],
    },
    "vehicle": {
        "Prevent": ["'Lock it or lose it' leafleting of parked vehicles in the tasked streets"],
        "Intelligence": ["ANPR review of vehicles seen near the offences"],
        "Enforcement": ["Targeted patrols of car parks and streets at peak times"],
    },
    "sexual": {
        "Prevent": ["Safeguarding and victim-support referral for every victim",
                    "Partnership work with licensed premises and transport operators (lighting, CCTV, staff "
                    "awareness)"],
        "Intelligence": ["Submit the series for specialist linkage review",
                         "Research registered offenders and outstanding suspects matching the description"],
        "Enforcement": ["Forensic strategy and fast-tracked submissions",
                        "Covert or high-visibility deployment at the locations and times of the series"],
    },
}
_GENERAL = {
    "Prevent": ["Problem-solving partnership meeting with the local authority and residents"],
    "Intelligence": ["Intelligence requirement issued to the borough's officers and sources"],
    "Enforcement": ["Targeted patrols in the tasked area at peak times"],
}
_BY_PROBLEM = {
    "offender": {"Intelligence": ["Subject profile: associates, vehicles, addresses and lifestyle"],
                 "Enforcement": ["Arrest strategy and bail or licence-condition checks for the subject"]},
    "hotspot": {"Prevent": ["Environmental visual audit of the hotspot (lighting, access, guardianship)"]},
    "vulnerable location or victim": {"Prevent": ["Repeat-victim visits and a vulnerability assessment"]},
}


def _group(categories: list[str]) -> str | None:
    for category in categories:
        if category in SEXUAL:
            return "sexual"
        for group, members in GROUPS.items():
            if category in members:
                return group
    return None


def suggest_tactics(problem_type: str, categories: list[str], stats: dict, offenders: list[str]) -> dict:
    """Tactics per heading (a dict with all four headings, each a list of lines)."""
    base = _BY_GROUP.get(_group(categories), _GENERAL)
    tactics = {h: list(base.get(h, [])) for h in ("Prevent", "Intelligence", "Enforcement")}
    for heading, extra in _BY_PROBLEM.get(problem_type, {}).items():
        tactics[heading].extend(extra)
    if stats.get("peak_day"):
        tactics["Enforcement"].append(
            f"Patrol plan focused on {stats['peak_day']}s, {stats['peak_hours']}")
    elif stats.get("offences"):
        tactics["Enforcement"].append("Patrol plan: too few offences to time it yet; review as offences are added")
    if offenders:
        tactics["Intelligence"].append(f"Research and intelligence development on {', '.join(offenders[:3])}")
    tactics["Reassurance"] = [
        "Ward panel and Safer Neighbourhoods team briefing on the problem and the response",
        "Publicise results (arrests, charges, reduction) in the tasked area",
    ]
    return tactics
