"""A link's score and reasons as HTML for the reasons panes."""

from __future__ import annotations

from html import escape

from workbench.linkage.reasons import verdict

VERDICTS = {"for": ("▲ points to one offender", "#2e7d32"), "against": ("▼ points to different offenders", "#b23a48"),
            "neutral": ("· no bearing", "#777777")}


def reasons_html(ref_a: str, ref_b: str, score: float, why: dict, default_model: bool) -> str:
    """``why`` is one item of :func:`workbench.linkage.reasons.explain`."""
    rows = []
    unrecorded = 0
    for item in why["features"].values():
        if item["value"] is None:
            unrecorded += 1
            continue
        mark, colour = VERDICTS[item.get("verdict") or verdict(item["effect"])]
        rows.append(f"<tr><td>{escape(item['text'])}</td><td style='color:{colour}'>{mark}</td></tr>")
    note = ("<p style='color:#8a4b00'>Scored with the default model: too few solved offences to train one "
            "(use Retrain models once more are solved).</p>") if default_model else ""
    tail = (f"<p style='color:#777'>{unrecorded} more feature{'s' if unrecorded != 1 else ''} not recorded "
            "for both offences.</p>") if unrecorded else ""
    return (f"<p><b>{escape(ref_a)} ↔ {escape(ref_b)}</b>: probability of one offender "
            f"<b>{score:.2f}</b></p>{note}<table cellspacing='4'>{''.join(rows)}</table>{tail}")
