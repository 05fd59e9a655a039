"""HTML rendering of one offence for the detail pane."""

from __future__ import annotations

from html import escape

from workbench.domain.categories import LABELS


def offence_html(detail: dict) -> str:
    """Everything stored about an offence, laid out for an analyst."""
    def row(label, value):
        return f"<tr><td style='color:#555;padding-right:10px'>{escape(label)}</td><td>{escape(str(value))}</td></tr>" \
            if value not in (None, "", [], {}) else ""

    when = detail["committed_from"].replace("T", " ")[:16]
    until = detail["committed_to"].replace("T", " ")[:16]
    window = when if when == until else f"{when} to {until}"
    parts = [f"<h3 style='margin-bottom:2px'>{escape(detail['offence_ref'])}</h3>",
             f"<div style='color:#444'>{escape(LABELS.get(detail['category'], detail['category']))}"
             f" · {escape(detail['status'])}</div><table style='margin-top:6px'>",
             row("When", window), row("Reported", (detail.get("reported_at") or "").replace("T", " ")[:16]),
             row("Location", detail.get("location_desc")), row("Location type", detail.get("location_type")),
             row("Borough", detail.get("borough")), row("Ward", detail.get("ward")),
             row("Grid ref", f"{detail['easting']:.0f}, {detail['northing']:.0f}"),
             row("Series (force)", detail.get("series_ref")),
             row("Victim ref", detail.get("victim_ref")),
             row("Offenders", ", ".join(detail.get("offenders", []))),
             row("Source", detail.get("source")), "</table>"]
    for kind, title in (("mo", "Modus operandi"), ("victim", "Victim"), ("suspect", "Suspect description")):
        values = detail.get(kind) or {}
        if values:
            parts.append(f"<h4 style='margin-bottom:2px'>{title}</h4><table>")
            parts += [row(name.replace("_", " ").capitalize(), "; ".join(v)) for name, v in values.items()]
            parts.append("</table>")
    if detail.get("extra"):
        parts.append("<h4 style='margin-bottom:2px'>Other details</h4><table>")
        parts += [row(k.replace("_", " ").capitalize(), v) for k, v in detail["extra"].items()]
        parts.append("</table>")
    return "".join(parts)
