"""Word (.docx): paragraphs and tables in document order, with the Title
and Heading styles, list bullets and Word's own numbering read as such."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from policies.importers.blocks import Block, clean, line_block, merge_rows
from policies.importers.limits import check_docx
from policies.importers.model import DocumentError
from policies.importers.word_numbering import WordNumbering

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc format


def read_docx(filename: str, data: bytes) -> list[Block]:
    if data.startswith(_OLE_SIGNATURE):
        raise DocumentError(filename, "this is an old Word .doc file, not .docx; open it in Word and save as .docx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(filename, "this is not a Word (.docx) document; it may be damaged or another format")
    _check_limits(filename, data)
    try:
        import docx  # imported here so the text and Markdown readers work without python-docx

        document = docx.Document(io.BytesIO(data))
        return _Reader(document).read()
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many types for damaged files
        raise DocumentError(filename, f"the Word document could not be opened ({type(error).__name__})") from error


def _check_limits(filename: str, data: bytes) -> None:
    """Refuse a document that unpacks to too much before python-docx builds
    its tree (which is where the time goes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_docx(filename, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error):
        pass  # a damaged zip: python-docx's own error below names the problem


class _Reader:
    def __init__(self, document) -> None:
        self.document = document
        _remember_styles(document)
        self.numbering = WordNumbering.of(document)
        self.blocks: list[Block] = []

    def read(self) -> list[Block]:
        self._children(self.document.element.body)
        body = merge_rows(self.blocks)
        # Page headers and footers often carry "Version 2.1" or "Review date: ...".
        self.blocks = []
        for section in self.document.sections:
            for part in (section.header, section.footer):
                if not part.is_linked_to_previous:
                    self._children(part._element)
        furniture = merge_rows(self.blocks)
        for block in furniture:
            block.furniture = True
        return body + furniture

    def _children(self, parent) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                self._paragraph(Paragraph(child, self.document))
            elif tag == "tbl":
                self._table(Table(child, self.document))
            elif tag == "sdt":  # content controls (cover pages, some tables of contents) hold ordinary content
                for content in child.xpath("./w:sdtContent"):
                    self._children(content)

    def _paragraph(self, paragraph) -> None:
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        if style.startswith("toc"):
            return  # Word's generated table of contents
        lines = [line for line in _marked_text(paragraph).split("\n") if clean(line).strip()]
        if not lines:
            return
        label = self._label(paragraph)
        heading = _heading_level(paragraph, style)
        first = clean(lines[0]).strip()
        if label and label[0] == "number" and label[1]:
            first = f"{label[1]} {first}"
        if style == "title":
            self.blocks.append(Block("title", _single_line(lines, first), level=1))
        elif heading:
            self.blocks.append(Block("heading", _single_line(lines, first), level=heading))
        elif (label and label[0] == "bullet") or (label is None and "list bullet" in style):
            depth = _list_depth(paragraph, style)
            self.blocks.append(Block("bullet", _single_line(lines, first), width=depth))
        elif label and "list" in style and not _whole_bold(lines[0]):
            # A numbered list item; in bold it would more likely be a section heading.
            depth = _list_depth(paragraph, style)
            self.blocks.append(Block("numbered", _single_line(lines, first), width=depth))
        else:
            for line in [first, *lines[1:]]:
                block = line_block(line)
                if block is not None:
                    self.blocks.append(block)

    def _label(self, paragraph) -> tuple[str, str] | None:
        reference = _numbering_reference(paragraph)
        return self.numbering.label(*reference) if reference else None

    def _table(self, table) -> None:
        rows: list[list[str]] = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if all(cell._tc is not kept._tc for kept in cells):  # merged cells repeat in python-docx
                    cells.append(cell)
            rows.append(cells)
        if all(len(cells) <= 1 for cells in rows):
            # A one-column table is a box drawn round ordinary paragraphs.
            for cells in rows:
                for cell in cells:
                    for paragraph in cell.paragraphs:
                        self._paragraph(paragraph)
            return
        texts = [[_cell_text(cell) for cell in cells] for cells in rows]
        texts = [row for row in texts if any(row)]
        if texts:
            self.blocks.append(Block("table", rows=texts))


def _remember_styles(document) -> None:
    """python-docx finds a style (and, for every unstyled paragraph or run, the
    default style) by scanning all the document's styles each time: 90% of
    the reading time of a long document. Styles do not change while we read,
    so each answer is looked up once."""
    part = document.part
    look_up = part.get_style
    found: dict = {}

    def get_style(style_id, style_type):
        key = (style_id, style_type)
        if key not in found:
            found[key] = look_up(style_id, style_type)
        return found[key]

    part.get_style = get_style


def _marked_text(paragraph) -> str:
    """The paragraph's text with **bold** where Word showed bold runs."""
    from docx.text.run import Run

    pieces: list[tuple[str, bool]] = []
    # Every run, including those inside hyperlinks, fields and tracked insertions,
    # but not tracked deletions or text boxes anchored in the paragraph.
    for element in paragraph._p.xpath("./w:r | ./*[not(self::w:del)]//w:r[not(ancestor::w:txbxContent)]"):
        run = Run(element, paragraph)
        bold = bool(run.bold or (run.bold is None and run.style is not None and run.style.font.bold))
        if pieces and pieces[-1][1] == bold:
            pieces[-1] = (pieces[-1][0] + run.text, bold)
        else:
            pieces.append((run.text, bold))
    out = []
    for text, bold in pieces:
        core = text.strip()
        if bold and core and "\n" not in core:
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            out.append(f"{lead}**{core}**{trail}")
        else:
            out.append(text)
    return "".join(out)


def _whole_bold(text: str) -> bool:
    text = text.strip()
    return text.startswith("**") and text.endswith("**") and "**" not in text[2:-2]


def _single_line(lines: list[str], first: str) -> str:
    return " ".join([first, *(clean(line).strip() for line in lines[1:])]).replace("\t", " ")


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", " ".join(clean(p.text) for p in cell.paragraphs)).strip()


def _heading_level(paragraph, style: str) -> int:
    named = re.match(r"heading (\d)", style)
    if named:
        return int(named.group(1))
    # Trusts' own heading styles still carry an outline level.
    for element in _style_chain(paragraph):
        level = element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if level:
            return int(level[0]) + 1 if int(level[0]) < 9 else 0
    return 0


def _numbering_reference(paragraph) -> tuple[str, int] | None:
    num_id: str | None = None
    ilvl: str | None = None
    for element in _style_chain(paragraph):
        num_id = num_id or next(iter(element.xpath("./w:pPr/w:numPr/w:numId/@w:val")), None)
        ilvl = ilvl or next(iter(element.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")), None)
        if num_id:
            break
    return (str(num_id), int(ilvl or 0)) if num_id else None


def _style_chain(paragraph):
    """The paragraph itself, then its style and the styles that is based on."""
    yield paragraph._p
    style = paragraph.style
    while style is not None:
        yield style.element
        style = style.base_style


def _list_depth(paragraph, style: str) -> int:
    ilvl = paragraph._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
    if ilvl:
        return int(ilvl[0])
    numbered_style = re.search(r"list (?:bullet|number) (\d)", style)
    return int(numbered_style.group(1)) - 1 if numbered_style else 0
