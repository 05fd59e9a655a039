"""A small document model that both renderers (PDF and Word) draw from, so a tasking
pack has the same sections, tables and figures in either format.

A :class:`Document` is a cover (title lines and key facts) and a list of blocks;
:class:`Heading` blocks of level 1 and 2 make the contents list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: str = "body"          # body | note | small


@dataclass
class Bullets:
    items: list[str]


@dataclass
class KeyValues:
    """Label/value pairs shown as a two-column table."""

    pairs: list[tuple[str, str]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None   # relative column widths
    caption: str | None = None
    small: bool = False
    highlight: list[int] = field(default_factory=list)   # row indexes to highlight (e.g. overdue)


@dataclass
class Figure:
    path: Path
    caption: str
    width: float = 1.0                  # fraction of the text width


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | KeyValues | Table | Figure | PageBreak


@dataclass
class Document:
    """A product ready to render.

    Attributes
    ----------
    title, subtitle : str
    marking : str
        The security marking printed at the top and bottom of every page.
    organisation : str
        Who produced it (the force), printed on the cover.
    cover : list of (label, value)
        Key facts on the cover page.
    handling : str
        The handling instruction printed on the cover.
    draft : str
        Empty for an approved product; otherwise the words printed across every page
        (e.g. ``DRAFT``) and beside the marking, so an unapproved product never passes
        for a final one.
    blocks : list of Block
    """

    title: str
    subtitle: str
    marking: str
    organisation: str
    cover: list[tuple[str, str]] = field(default_factory=list)
    handling: str = ""
    blocks: list = field(default_factory=list)
    draft: str = ""

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def contents(self) -> list[Heading]:
        """The headings that make the contents list."""
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= 2]
