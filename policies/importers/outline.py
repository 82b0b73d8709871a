"""The shape of the policy body: numbered sections, sub-headings,
appendices, clauses, lists and tables, told apart line by line.

Top-level numbers must go up: a "1." inside section 4 is a list item, not a
new section. Styled headings (Word Heading styles, Markdown "##") are
headings whatever their numbers say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.importers.blocks import Block
from policies.importers.model import ParsedSection

TOP = re.compile(r"^(?P<number>\d{1,2}(?:\.0)?)\.?\s+(?P<text>\S.*)$")
PART = re.compile(r"^(?P<number>(?:section|part)\s+\d{1,2})\s*[:.\-–—]?\s+(?P<text>\S.*)$", re.IGNORECASE)
SUB = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<text>\S.*)$")
APPENDIX = re.compile(
    r"^(?P<word>appendix|annexe?|schedule)\s+(?P<id>\d{1,2}|[A-Z]|[IVX]{1,5}|one|two|three|four|five|six)\b"
    r"\s*(?P<sep>[:.\-–—])?\s*(?P<text>.*)$",
    re.IGNORECASE,
)
ORDERED = re.compile(r"^\d{1,3}[.)]\s+\S")
_CLAUSE_WORDS = re.compile(r"\b(?:must|should|shall|will|may|is|are|was|were|can|cannot|has|have|need)\b",
                           re.IGNORECASE)
_PAGE_FURNITURE = re.compile(r"^(?:page \d+(?: of \d+)?|\d{1,3})$", re.IGNORECASE)


@dataclass
class Item:
    kind: str  # section, appendix, subheading, para, clause, bullet, numbered, table
    text: str = ""  # marked text; for headings, the heading alone
    number: str | None = None
    level: int = 1  # headings: 1 for sections and appendices, 2 and 3 below
    width: int = 0  # list items: source indentation
    rows: list[list[str]] = field(default_factory=list)

    @property
    def is_heading(self) -> bool:
        return self.kind in ("section", "appendix", "subheading")


@dataclass
class Outline:
    items: list[Item] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def heading_like(text: str, *, strict: bool = False) -> bool:
    """Short, capitalised and not a sentence. Strict (for sub-headings, which
    have no rising-number check to lean on) also refuses clause verbs."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 100 or text.endswith((".", ";", ",")):
        return False
    if text.endswith(":") and (strict or len(words) > 4):
        return False  # "Staff must:" introduces a list; "Related policies:" may head a section
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'("):
        return False
    return not (strict and _CLAUSE_WORDS.search(text))


def build_outline(blocks: list[Block], title: str) -> Outline:
    return _Outliner(blocks, title).run()


class _Outliner:
    def __init__(self, blocks: list[Block], title: str) -> None:
        self.blocks = blocks
        self.title = title.lower()
        headings = [b for b in blocks if b.kind == "heading"]
        # Sections sit at the level where headings carry top-level numbers; a
        # stray bigger heading elsewhere does not demote them.
        numbered = [b.level for b in headings if TOP.match(b.plain) or PART.match(b.plain)]
        levels = numbered or [b.level for b in headings]
        self.section_level = min(levels) if levels else None
        self.first_section = next((i for i, b in enumerate(blocks) if self._starts_body(b)), 0)
        self.top: int | None = None
        self.numbered_sections = False
        self.appendix_numbers: set[str] = set()
        self.outline = Outline()

    def run(self) -> Outline:
        for index, block in enumerate(self.blocks):
            self.index = index
            self._block(block)
        self._check_numbers()
        return self.outline

    def _block(self, block: Block) -> None:
        items = self.outline.items
        plain = block.plain.strip()
        if block.kind == "table":
            items.append(Item("table", rows=block.rows))
            return
        if plain.lower() == self.title or _PAGE_FURNITURE.match(plain):
            return  # a running page header or page number
        if items and items[-1].kind == "appendix" and plain.lower().rstrip(":") == items[-1].text.lower():
            return  # the appendix title repeated under its heading
        if block.kind == "heading":
            self._styled(block, plain)
        elif block.kind == "bullet" and not SUB.match(plain):
            items.append(Item("bullet", block.text, width=block.width))
        elif block.kind == "numbered":
            items.append(Item("numbered", block.text, width=block.width))
        elif self._appendix(plain, styled=False) or self._section(plain) or self._subheading(plain):
            pass
        elif SUB.match(plain):
            items.append(Item("clause", block.text))
        elif ORDERED.match(plain):
            items.append(Item("numbered", block.text, width=block.width))
        else:
            items.append(Item("para", block.text))

    # -- headings ----------------------------------------------------------
    def _styled(self, block: Block, plain: str) -> None:
        text = plain.rstrip(":").strip()
        if self._appendix(text, styled=True):
            return
        sub = SUB.match(text)
        if sub:
            self._add_subheading(sub.group("number"), sub.group("text"))
            return
        at_section_level = self.section_level is None or block.level <= self.section_level
        if at_section_level and not (self.appendix_numbers and self.numbered_sections):
            top = TOP.match(text) or PART.match(text)
            if top:
                self._add_section(top.group("number"), top.group("text"))
            else:
                self._add_section(None, text)
            return
        depth = 2 if self.section_level is None else min(block.level - self.section_level + 1, 3)
        self.outline.items.append(Item("subheading", text, level=max(depth, 2)))

    def _section(self, plain: str) -> bool:
        match = TOP.match(plain) or PART.match(plain)
        if not match or not heading_like(match.group("text").strip()):
            return False
        if self.appendix_numbers and self.numbered_sections:
            return False  # numbering inside an appendix is the appendix's own
        number = int(re.search(r"\d+", match.group("number")).group(0))
        written_dot = bool(re.match(r"^\d{1,2}(?:\.0)?\.", plain)) or "." in match.group("number")
        if self.top is None:
            rising = number <= 2
        else:
            rising = self.top < number <= self.top + 3
        if not rising or (not written_dot and number != (self.top or 0) + 1):
            return False
        self._add_section(match.group("number"), match.group("text"))
        return True

    def _add_section(self, number: str | None, text: str) -> None:
        heading = text.strip().rstrip(":").replace("**", "").strip()
        if number is not None:
            digits = re.search(r"\d+", number)
            self.top = int(digits.group(0)) if digits else self.top
            self.numbered_sections = True
            number = number.rstrip(".")
            if not number[:1].isdigit():
                number = number.title()
        self.outline.sections.append(ParsedSection(number, heading, 1))
        self.outline.items.append(Item("section", heading, number=number))

    def _subheading(self, plain: str) -> bool:
        match = SUB.match(plain)
        if not match or not heading_like(match.group("text").strip(), strict=True):
            return False
        number = match.group("number")
        if self.top is not None and not self.appendix_numbers and number.split(".")[0] != str(self.top):
            return False  # a clause that belongs to no section we have seen
        self._add_subheading(number, match.group("text"))
        return True

    def _add_subheading(self, number: str, text: str) -> None:
        level = 2 if number.count(".") == 1 else 3
        heading = text.strip().rstrip(":").replace("**", "").strip()
        self.outline.items.append(Item("subheading", heading, number=number, level=level))

    def _appendix(self, plain: str, *, styled: bool) -> bool:
        match = APPENDIX.match(plain)
        if not match or len(plain) > 120:
            return False
        heading = match.group("text").strip().rstrip(":").replace("**", "").strip()
        if not (styled or match.group("sep") or not heading):
            return False  # "Appendix 1 provides examples ..." is a sentence
        if not styled and (self.index < self.first_section or (heading and not heading_like(heading))):
            return False  # a list of appendices before the body, or a sentence
        label = match.group("id")
        number = f"{match.group('word').title()} {label.upper() if len(label) == 1 else label}"
        if number in self.appendix_numbers:
            return True  # the appendix title repeated as a page header
        self.appendix_numbers.add(number)
        self.outline.sections.append(ParsedSection(number, heading, 1))
        self.outline.items.append(Item("appendix", heading, number=number))
        return True

    def _starts_body(self, block: Block) -> bool:
        plain = block.plain
        if block.kind == "heading":
            return True
        match = TOP.match(plain) or PART.match(plain)
        return bool(match and block.kind == "para" and heading_like(match.group("text").strip()))

    # -- what was noticed but not understood -------------------------------
    def _check_numbers(self) -> None:
        warnings = self.outline.warnings
        numbers = [int(re.search(r"\d+", s.number).group(0)) for s in self.outline.sections
                   if s.number and s.number[:1].isdigit()]
        for before, after in zip(numbers, numbers[1:], strict=False):
            if after > before + 1:
                missing = ", ".join(str(n) for n in range(before + 1, after))
                warnings.append(f"Section numbers jump from {before} to {after} (no section {missing}).")
        # A clause number used twice is the document's own slip: the text is kept
        # as written and nothing is misread, so it is not a warning to act on.
        if not self.outline.sections:
            warnings.append("No numbered sections were found; the text is kept as it is.")
