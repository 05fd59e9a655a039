"""Render a :class:`~workbench.reports.document.Document` to PDF with reportlab.

Every page carries the security marking at its top and bottom and "Page n of N"; the
contents page lists the sections with their page numbers (reportlab's
``TableOfContents``, built in two passes by ``multiBuild``).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tableofcontents import TableOfContents

from workbench.release import Released
from workbench.reports import document as d

NAVY = colors.HexColor("#1f3864")
GREY = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#b4bcc8")
BAND = colors.HexColor("#e9edf3")
AMBER = colors.HexColor("#fde9c8")
MARGIN = 2.0 * cm
#: Start a new page rather than put a heading in less room than this.
HEADING_ROOM = 4.0 * cm


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5, leading=13,
                          spaceAfter=5)
    return {
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontName="Helvetica-Oblique", textColor=GREY, fontSize=8.5),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName="Helvetica-Bold", fontSize=8, leading=10,
                                   textColor=colors.white, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName="Helvetica-Bold", fontSize=15,
                             textColor=NAVY, spaceBefore=6, spaceAfter=8, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=11.5,
                             textColor=NAVY, spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=10,
                             textColor=colors.black, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "caption": ParagraphStyle("caption", parent=body, fontName="Helvetica-Oblique", fontSize=8,
                                  textColor=GREY, alignment=TA_CENTER, spaceBefore=2, spaceAfter=8),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=24, leading=30,
                                textColor=NAVY, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=13, leading=17, textColor=GREY,
                                   spaceAfter=20),
        "org": ParagraphStyle("org", parent=body, fontName="Helvetica-Bold", fontSize=11, textColor=GREY,
                              spaceAfter=40),
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=10, leftIndent=0, spaceBefore=3),
        "toc2": ParagraphStyle("toc2", parent=body, fontSize=9, leftIndent=14, textColor=GREY, spaceAfter=1),
    }


class _Doc(BaseDocTemplate):
    """Notifies the contents list of every level 1-2 heading."""

    def afterFlowable(self, flowable) -> None:
        level = getattr(flowable, "_toc_level", None)
        if level is not None:
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def _numbered_canvas(marking: str, footer: str, draft: str = ""):
    """A canvas class that draws the marking, "Page n of N" once the count is known and,
    for an unapproved product, ``draft`` across every page."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            if draft:
                self.saveState()
                self.setFont("Helvetica-Bold", 96)
                self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.13))
                self.translate(width / 2, height / 2)
                self.rotate(50)
                self.drawCentredString(0, -30, draft)
                self.restoreState()
                self.setFont("Helvetica-Bold", 8)
                self.setFillColor(colors.Color(0.7, 0.1, 0.1))
                self.drawRightString(width - MARGIN, height - 1.1 * cm, f"{draft}: NOT APPROVED")
            self.setFont("Helvetica-Bold", 10)
            self.setFillColor(colors.black)
            self.drawCentredString(width / 2, height - 1.1 * cm, marking)
            self.drawCentredString(width / 2, 0.6 * cm, marking)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - 1.35 * cm, width - MARGIN, height - 1.35 * cm)
            self.line(MARGIN, 1.55 * cm, width - MARGIN, 1.55 * cm)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(GREY)
            self.drawString(MARGIN, 1.15 * cm, footer[:110])
            self.drawRightString(width - MARGIN, 1.15 * cm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def render_pdf(released: Released, path: str | Path) -> Path:
    """Write a released document (its body, a :class:`~workbench.reports.document.Document`
    marked with the release's marking) as a PDF at ``path``."""
    doc: d.Document = released.body
    path = Path(path)
    st = _styles()
    width = A4[0] - 2 * MARGIN
    template = _Doc(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                    bottomMargin=MARGIN, title=doc.title, subject=doc.subtitle, author=doc.organisation)
    frame = Frame(MARGIN, MARGIN, width, A4[1] - 2 * MARGIN, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = _cover(doc, st, width)
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    toc.dotsMinLevel = 0
    story += [RLParagraph("Contents", st["h1"]), toc, RLPageBreak()]
    for block in doc.blocks:
        story.extend(_flowables(block, st, width))
    template.multiBuild(story, canvasmaker=_numbered_canvas(doc.marking, f"{doc.title}: {doc.subtitle}",
                                                                  doc.draft))
    return path


def _cover(doc: d.Document, st, width: float) -> list:
    story = [Spacer(1, 2.5 * cm), RLParagraph(escape(doc.organisation), st["org"]),
             RLParagraph(escape(doc.title), st["title"]), RLParagraph(escape(doc.subtitle), st["subtitle"])]
    if doc.cover:
        story.append(_key_values(doc.cover, st, width))
    if doc.handling:
        box = RLTable([[RLParagraph(f"<b>Handling.</b> {escape(doc.handling)}", st["small"])]], colWidths=[width])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, NAVY), ("BACKGROUND", (0, 0), (-1, -1), BAND),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story += [Spacer(1, 1.2 * cm), box]
    story.append(RLPageBreak())
    return story


def _key_values(pairs, st, width: float) -> RLTable:
    rows = [[RLParagraph(f"<b>{escape(k)}</b>", st["cell"]), RLParagraph(_text(v), st["cell"])] for k, v in pairs]
    table = RLTable(rows, colWidths=[width * 0.3, width * 0.7])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (0, -1), BAND),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _text(value) -> str:
    return escape(str(value if value not in (None, "") else "-")).replace("\n", "<br/>")


def _flowables(block, st, width: float) -> list:
    if isinstance(block, d.Heading):
        para = RLParagraph(escape(block.text), st[f"h{min(block.level, 3)}"])
        if block.level <= 2:
            para._toc_level = block.level - 1
        return [CondPageBreak(HEADING_ROOM), para]      # no heading alone at the foot of a page
    if isinstance(block, d.Paragraph):
        return [RLParagraph(_text(block.text), st[block.style])]
    if isinstance(block, d.Bullets):
        items = [ListItem(RLParagraph(_text(t), st["body"]), leftIndent=12) for t in block.items]
        return [ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=12)]
    if isinstance(block, d.KeyValues):
        return [_key_values(block.pairs, st, width), Spacer(1, 6)]
    if isinstance(block, d.Table):
        return _table(block, st, width)
    if isinstance(block, d.Figure):
        img = Image(str(block.path))
        scale = (width * block.width) / img.imageWidth
        img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
        return [KeepTogether([img, RLParagraph(escape(block.caption), st["caption"])])]
    if isinstance(block, d.PageBreak):
        return [RLPageBreak()]
    raise TypeError(f"cannot render {type(block).__name__}")


def _table(block: d.Table, st, width: float) -> list:
    widths = block.widths or [1.0] * len(block.header)
    total = sum(widths)
    cols = [width * w / total for w in widths]
    cell = st["small"] if block.small else st["cell"]
    data = [[RLParagraph(escape(str(h)), st["cellhead"]) for h in block.header]]
    data += [[RLParagraph(_text(v), cell) for v in row] for row in block.rows]
    table = RLTable(data, colWidths=cols, repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), NAVY), ("GRID", (0, 0), (-1, -1), 0.4, RULE),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    style += [("BACKGROUND", (0, i), (-1, i), BAND) for i in range(2, len(data), 2)]
    style += [("BACKGROUND", (0, i + 1), (-1, i + 1), AMBER) for i in block.highlight]
    table.setStyle(TableStyle(style))
    out = [table]
    if block.caption:
        out.append(RLParagraph(escape(block.caption), st["caption"]))
    else:
        out.append(Spacer(1, 8))
    return out
