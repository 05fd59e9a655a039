"""Render a :class:`~workbench.reports.document.Document` to Word (.docx) with python-docx.

The security marking is in the header and footer of the (single) section, so Word
prints it on every page; the footer also carries "Page n of N" as PAGE/NUMPAGES
fields. The contents page is a real Word TOC field over headings 1-3 (with page numbers
and links), marked dirty so Word updates it when the document is opened; until then it
shows the section titles.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from workbench.release import Released
from workbench.reports import document as d
from workbench.reports.pdf import fit_columns, unbroken

NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x5A, 0x5A, 0x5A)


def render_docx(released: Released, path: str | Path) -> Path:
    """Write a released document (its body, a :class:`~workbench.reports.document.Document`
    marked with the release's marking) as a Word document at ``path``."""
    doc: d.Document = released.body
    path = Path(path)
    word = WordDocument()
    _page_setup(word, doc)
    _cover(word, doc)
    _contents(word, doc)
    width = word.sections[0].page_width - word.sections[0].left_margin - word.sections[0].right_margin
    for block in doc.blocks:
        _block(word, block, width)
    word.core_properties.title = doc.title
    word.core_properties.subject = doc.subtitle
    word.core_properties.author = doc.organisation
    word.core_properties.category = doc.marking
    word.save(str(path))
    return path


def _page_setup(word, doc: d.Document) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for name, size in (("Heading 1", 15), ("Heading 2", 12), ("Heading 3", 10.5)):
        style = word.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "Arial", Pt(size), NAVY
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(doc.marking)
    run.bold = True
    if doc.draft:
        para = section.header.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(f"{doc.draft}: NOT APPROVED")
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0xB0, 0x1C, 0x1C)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(doc.marking)
    run.bold = True
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    small = pages.add_run(f"{doc.title}: {doc.subtitle}    Page ")
    small.font.size = Pt(8)
    _field(pages, "PAGE")
    pages.add_run(" of ").font.size = Pt(8)
    _field(pages, "NUMPAGES")


def _field(paragraph, code: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) that Word fills in when it lays out pages."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


#: The contents field: headings 1-3, as hyperlinks, without tab leaders in web view, keeping
#: outline levels (Word's own "Insert table of contents").
TOC_FIELD = 'TOC \\o "1-3" \\h \\z \\u'


def _contents(word, doc: d.Document) -> None:
    """The contents page: a TOC field Word fills in on opening (``w:dirty`` plus
    ``w:updateFields`` in the settings), showing the section titles until it does."""
    word.add_paragraph("Contents", style="TOC Heading" if "TOC Heading" in word.styles else "Heading 1")
    paragraph = word.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {TOC_FIELD} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    for el in (begin, instr, separate):
        run._r.append(el)
    for n, heading in enumerate(doc.contents()):
        shown = paragraph.add_run(heading.text if heading.level == 1 else f"    {heading.text}")
        if n < len(doc.contents()) - 1:
            shown.add_break()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cover(word, doc: d.Document) -> None:
    for _ in range(3):
        word.add_paragraph()
    org = word.add_paragraph().add_run(doc.organisation)
    org.bold, org.font.size, org.font.color.rgb = True, Pt(12), GREY
    title = word.add_paragraph().add_run(doc.title)
    title.bold, title.font.size, title.font.color.rgb = True, Pt(24), NAVY
    sub = word.add_paragraph().add_run(doc.subtitle)
    sub.font.size, sub.font.color.rgb = Pt(13), GREY
    if doc.cover:
        _key_values(word, doc.cover)
    if doc.handling:
        word.add_paragraph()
        para = word.add_paragraph()
        para.add_run("Handling. ").bold = True
        para.add_run(doc.handling)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _shade(cell, hex_colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), hex_colour)
    props.append(shading)


def _key_values(word, pairs) -> None:
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in pairs:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), _plain(value)
        cells[0].paragraphs[0].runs[0].bold = True
        _shade(cells[0], "E9EDF3")
    _widths(table, [0.3, 0.7])
    word.add_paragraph()


def _widths(table, fractions) -> None:
    total = Cm(17.0)
    for row in table.rows:
        for cell, frac in zip(row.cells, fractions):
            cell.width = int(total * frac)


def _plain(value) -> str:
    return "-" if value in (None, "") else str(value)


def _block(word, block, width) -> None:
    if isinstance(block, d.Heading):
        word.add_heading(block.text, level=min(block.level, 3))
    elif isinstance(block, d.Paragraph):
        para = word.add_paragraph(block.text)
        if block.style != "body":
            for run in para.runs:
                run.italic = block.style == "note"
                run.font.size = Pt(8.5)
                run.font.color.rgb = GREY if block.style == "note" else None
    elif isinstance(block, d.Bullets):
        for item in block.items:
            word.add_paragraph(item, style="List Bullet")
    elif isinstance(block, d.KeyValues):
        _key_values(word, block.pairs)
    elif isinstance(block, d.Table):
        _table(word, block)
    elif isinstance(block, d.Figure):
        word.add_picture(str(block.path), width=int(width * block.width))
        word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = word.add_paragraph(block.caption, style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif isinstance(block, d.PageBreak):
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        raise TypeError(f"cannot render {type(block).__name__}")


#: A hyphen inside a word that has a digit (``IR2026-001437``, ``2026-10-05``) is non-breaking.
_WORD_HYPHEN = re.compile(r"(?<=[0-9A-Za-z/])-(?=[0-9A-Za-z/])")


def _unbroken_text(paragraph, text: str, size) -> None:
    """Write ``text`` into ``paragraph`` so Word never breaks a reference or a date: hyphens
    inside words with digits become Word's non-breaking hyphen and a date keeps its time."""
    run = paragraph.add_run()
    run.font.size = size
    for line_no, line in enumerate(unbroken(text).split("\n")):
        if line_no:
            run._r.append(OxmlElement("w:br"))
        for word_no, word in enumerate(line.split(" ")):
            pieces = _WORD_HYPHEN.split(word) if any(ch.isdigit() for ch in word) else [word]
            for piece_no, piece in enumerate(pieces):
                if piece_no:
                    run._r.append(OxmlElement("w:noBreakHyphen"))
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = (" " if word_no and not piece_no else "") + piece
                run._r.append(t)


def _table(word, block: d.Table) -> None:
    table = word.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = Pt(7.5 if block.small else 8.5)
    for cell, text in zip(table.rows[0].cells, block.header):
        cell.text = str(text)
        run = cell.paragraphs[0].runs[0]
        run.bold, run.font.size, run.font.color.rgb = True, size, RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F3864")
    for index, row in enumerate(block.rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            _unbroken_text(cell.paragraphs[0], _plain(value), size)
            if index in block.highlight:
                _shade(cell, "FDE9C8")
    font = SimpleNamespace(fontName="Helvetica", fontSize=size.pt)     # Arial's metrics
    cols = fit_columns(block.widths or [1.0] * len(block.header), [block.header, *block.rows],
                       [font] * (len(block.rows) + 1), Cm(17.0).pt)
    _widths(table, [c / Cm(17.0).pt for c in cols])
    if block.caption:
        word.add_paragraph(block.caption, style="Caption")
    else:
        word.add_paragraph()
