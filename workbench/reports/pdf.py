"""Render a :class:`~workbench.reports.document.Document` to PDF with reportlab.

Every page carries the security marking at its top and bottom and "Page n of N"; the
contents page lists the sections with their page numbers (reportlab's
``TableOfContents``, built in two passes by ``multiBuild``).
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
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
    for block, after in zip(doc.blocks, [*doc.blocks[1:], None]):
        story.extend(_flowables(block, st, width, after))
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
    return escape(unbroken(str(value if value not in (None, "") else "-"))).replace("\n", "<br/>")


#: A date followed by its time ("24/02/2026 22:25", "2026-02-24 22:25") is kept on one line.
_DATE_TIME = re.compile(r"(\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})")
#: Space reportlab leaves round each cell's text (LEFTPADDING + RIGHTPADDING), and a margin.
_CELL_PADDING = 13.0


def unbroken(text: str) -> str:
    """``text`` with the space inside a date-and-time made non-breaking."""
    return _DATE_TIME.sub("\\1\u00a0\\2", text)


def _longest_word(text: str, style: ParagraphStyle) -> float:
    """The width of the longest run of ``text`` that must not break (a reference, a date)."""
    words = re.split(r"[ \n\t]+", unbroken(text))
    return max((stringWidth(w, style.fontName, style.fontSize) for w in words if w), default=0.0)


def fit_columns(widths: list[float], cells: list[list[str]], styles: list[ParagraphStyle], width: float) -> list[float]:
    """Column widths (points) from relative ``widths`` that give every column room for its
    longest unbreakable word (so "IR2026-00162/8" or a date never splits mid-string), taking
    the room from the columns with slack; a column never claims more than 45% of the table."""
    total = sum(widths)
    cols = [width * w / total for w in widths]
    need = [min(width * 0.45, max(_longest_word(str(row[i]), style) for row, style in zip(cells, styles))
                + _CELL_PADDING) for i in range(len(cols))]
    short = sum(max(0.0, n - c) for n, c in zip(need, cols))
    slack = sum(max(0.0, c - n) for n, c in zip(need, cols))
    if short <= 0 or slack <= 0:
        return cols
    take = min(1.0, short / slack)
    return [n if n > c else c - (c - n) * take for n, c in zip(need, cols)]


def _flowables(block, st, width: float, after=None) -> list:
    """The reportlab flowables of one block; ``after`` is the block that follows it (a heading
    keeps room for the start of its content, so it is never left alone at a page's foot)."""
    if isinstance(block, d.Heading):
        para = RLParagraph(escape(block.text), st[f"h{min(block.level, 3)}"])
        if block.level <= 2:
            para._toc_level = block.level - 1
        room = HEADING_ROOM
        if isinstance(after, d.Figure):        # room for the figure shrunk; it then fills the page
            room = max(room, 1.2 * cm + _FigureFlowable(after, st, width).least_height(width))
            para.keepWithNext = 0              # (kept together it could not shrink)
        return [CondPageBreak(room), para]
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
        return [_FigureFlowable(block, st, width)]
    if isinstance(block, d.PageBreak):
        return [RLPageBreak()]
    raise TypeError(f"cannot render {type(block).__name__}")


#: A figure shrinks to as little as this share of its size to fill the room left on a page
#: rather than move to the next page and leave the room blank.
MIN_FIGURE_SCALE = 0.6


class _FigureFlowable(Flowable):
    """A figure with its caption below, kept together; it shrinks (to
    :data:`MIN_FIGURE_SCALE` at least) to fit the room left on the page."""

    def __init__(self, block: d.Figure, st, width: float):
        super().__init__()
        self.image = ImageReader(str(block.path))
        pixels_w, pixels_h = self.image.getSize()
        self.full_w = width * block.width
        self.full_h = self.full_w * pixels_h / pixels_w
        self.caption = RLParagraph(escape(block.caption), st["caption"])
        self.scale = 1.0

    def _caption_height(self, avail_width: float) -> float:
        _, height = self.caption.wrap(avail_width, 10_000)
        return height + self.caption.style.spaceBefore + self.caption.style.spaceAfter

    def least_height(self, avail_width: float) -> float:
        return self.full_h * MIN_FIGURE_SCALE + self._caption_height(avail_width)

    def wrap(self, avail_width, avail_height):
        caption = self._caption_height(avail_width)
        room = (avail_height - caption) / self.full_h
        self.scale = 1.0 if room >= 1.0 or room < MIN_FIGURE_SCALE else room
        self.width, self.height = avail_width, self.full_h * self.scale + caption
        return self.width, self.height

    def draw(self):
        w, h = self.full_w * self.scale, self.full_h * self.scale
        self.canv.drawImage(self.image, (self.width - w) / 2, self.height - h, w, h)
        _, cap_h = self.caption.wrap(self.width, 10_000)
        self.caption.drawOn(self.canv, 0, self.height - h - self.caption.style.spaceBefore - cap_h)


def _table(block: d.Table, st, width: float) -> list:
    cell = st["small"] if block.small else st["cell"]
    cols = fit_columns(block.widths or [1.0] * len(block.header), [block.header, *block.rows],
                       [st["cellhead"]] + [cell] * len(block.rows), width)
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
