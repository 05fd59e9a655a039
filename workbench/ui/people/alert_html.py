"""The detail of a people alert (repeat victim, repeat missing person, missing-person
location, flagged nominal near a sexual offence, breach) for the Scan view's panel."""

from __future__ import annotations

from html import escape

from workbench.domain.alerts import Alert
from workbench.people.description import ATTRIBUTE_LABELS


def _items(values) -> str:
    return "<ul>" + "".join(f"<li>{escape(str(v))}</li>" for v in values) + "</ul>"


def people_alert_html(alert: Alert) -> str:
    """HTML for the kind-specific part of a people alert ('' for other kinds)."""
    d = alert.detail
    if alert.kind == "missing_person":
        return (f"<p><b>Episodes</b> (highest risk {escape(d['highest_risk'])})</p>" + _items(d["timeline"])
                + "<p>See the People view for their timeline and map.</p>")
    if alert.kind == "repeat_victim":
        return f"<p><b>Offences against {escape(d['victim_ref'])}</b></p>" + _items(d["offence_refs"])
    if alert.kind == "missing_location":
        return (f"<p><b>People</b>: {escape(', '.join(d['people']))}</p><p><b>Episodes</b>: "
                f"{escape(', '.join(d['episode_refs']))}</p>")
    if alert.kind == "nominal_near_offence":
        rows = "".join(
            f"<tr><td>{escape(n['nominal'])}</td><td align=right>{n['distance_m']:,} m</td>"
            f"<td>{escape(', '.join(n['flags']))}</td>"
            f"<td>{escape(', '.join(ATTRIBUTE_LABELS[a] for a in n['description']['matched']))}</td></tr>"
            for n in d["nominals"])
        return ("<p><b>Flagged nominals living near by who match the description</b></p>"
                "<table cellspacing=0 cellpadding=2><tr><th align=left>Nominal</th><th>From home</th>"
                f"<th align=left>Flags</th><th align=left>Matching</th></tr>{rows}</table>")
    if alert.kind == "nominal_breach":
        return (f"<p><b>{escape(d['nominal'])}</b>: {escape(d['condition'])} breached by "
                f"{escape(d['offence'])}. Their page (People view or <code>workbench person show "
                f"{escape(d['nominal'])}</code>) shows their conditions.</p>")
    return ""
