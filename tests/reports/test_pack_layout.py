"""Pack layout: a heading stays with its figure, references and dates never split, the
trend is one bar per week over the period."""

from datetime import date
from types import SimpleNamespace

import pandas as pd
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from workbench.reports import document as d
from workbench.reports.figures import weekly_chart, weekly_counts
from workbench.reports.pdf import _styles, fit_columns, render_pdf


def test_weekly_counts_one_bar_per_week_with_quiet_weeks():
    when = pd.Series(pd.to_datetime(["2025-03-04T10:00", "2025-03-06T23:00", "2025-03-19T01:00"]))
    counts = weekly_counts(when, date(2025, 3, 4), date(2025, 3, 30))
    assert list(counts.index.strftime("%Y-%m-%d")) == ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"]
    assert counts.tolist() == [2, 0, 1, 0]


def test_weekly_chart_draws_one_bar_per_week(tmp_path, monkeypatch):
    from matplotlib.axes import Axes

    drawn = []
    original = Axes.bar
    monkeypatch.setattr(Axes, "bar", lambda self, x, h, *a, **k: drawn.append(list(h)) or original(self, x, h, *a, **k))
    counts = pd.Series([2, 0, 1, 0], index=pd.date_range("2025-03-03", periods=4, freq="7D"))
    assert weekly_chart(tmp_path / "w.png", counts).stat().st_size > 0
    assert drawn == [[2, 0, 1, 0]]


def test_columns_widen_to_their_longest_reference():
    st = _styles()
    cell = st["small"]
    rows = [["IR2026-001437", "2026-10-05", "Subject O2026-00004 is believed to be responsible " * 3]]
    cols = fit_columns([0.5, 0.5, 4], rows, [cell], 400)
    assert sum(cols) == 400
    assert cols[0] >= stringWidth("IR2026-001437", cell.fontName, cell.fontSize) + 12
    assert cols[1] >= stringWidth("2026-10-05", cell.fontName, cell.fontSize) + 12
    # A date with its time is one unbreakable word.
    when = fit_columns([1, 6], [["24/02/2026 22:25 to 25/02/2026 04:45", "x"]], [cell], 400)
    assert when[0] >= stringWidth("24/02/2026 22:25", cell.fontName, cell.fontSize) + 12


def _figure(tmp_path):
    counts = pd.Series([1, 2] * 10, index=pd.date_range("2025-01-06", periods=20, freq="7D"))
    path = weekly_chart(tmp_path / "f.png", counts)
    return d.Figure(path, "Figure under the heading", 1.0)


def test_heading_is_never_left_alone_above_a_blank(tmp_path):
    """Text fills most of page one; the heading and its (large) figure must share a page, the
    figure shrinking into the room left rather than leaving it blank."""
    doc = d.Document("T", "S", "OFFICIAL", "Force")
    filler = "An analyst's sentence about the problem, long enough to wrap across the line. " * 30
    doc.add(d.Heading("Opening"), d.Paragraph(filler),
            d.Heading("Supporting analysis", 2), _figure(tmp_path), d.Figure(_figure(tmp_path).path, "Second", 1.0))
    out = render_pdf(SimpleNamespace(body=doc), tmp_path / "t.pdf")
    pages = [p.extract_text() for p in PdfReader(str(out)).pages]
    heading = next(i for i, t in enumerate(pages) if "Supporting analysis" in t and "Contents" not in t)
    assert "Figure under the heading" in pages[heading]
    assert "Opening" in pages[heading]                         # on the text's page, not pushed on


def test_word_tables_never_break_a_reference(tmp_path):
    import zipfile

    from workbench.reports.docx import render_docx

    doc = d.Document("T", "S", "OFFICIAL", "Force")
    doc.add(d.Heading("Graded intelligence"),
            d.Table(["Reference", "Recorded", "Intelligence"],
                    [["IR2026-001437", "24/02/2026 22:25", "Subject O2026-00004 was seen. " * 6]], [0.5, 0.5, 4]))
    out = render_docx(SimpleNamespace(body=doc), tmp_path / "t.docx")
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "IR2026</w:t><w:noBreakHyphen/><w:t xml:space=\"preserve\">001437" in xml
    assert "24/02/2026\u00a022:25" in xml
    from docx import Document as WordDocument

    table = WordDocument(str(out)).tables[0]
    assert table.rows[1].cells[0].text.replace("\u2011", "-") in ("IR2026-001437", "IR2026001437")
    width = table.rows[0].cells[0].width.pt
    assert width >= stringWidth("IR2026-001437", "Helvetica", 8.5) + 12
