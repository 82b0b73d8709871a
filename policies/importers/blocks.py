"""Each format read into the same sequence of blocks, so one recogniser
serves Word, Markdown and text alike."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from policies.importers.model import DocumentError


@dataclass
class Block:
    kind: str  # "para", "bullet", "heading", "title", "table"
    text: str = ""
    indent: int = 0  # bullets: nesting depth
    level: int = 0  # headings: 1, 2, 3
    rows: list[list[str]] = field(default_factory=list)  # tables


_BULLET = re.compile(r"^(\s*)(?:[-*•·▪◦‣–]|o(?=\s))\s+")
_ARTEFACTS = re.compile(r"\[bookmark: [^\]]*\]")


def decode_text(filename: str, data: bytes) -> str:
    if not data.strip():
        raise DocumentError(filename, "the file is empty")
    if b"\x00" in data[:4096]:
        raise DocumentError(filename, "this is not a text file (it contains binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(filename, "the text is not UTF-8 or Windows-1252")


def _clean(text: str) -> str:
    return _ARTEFACTS.sub("", text).replace("\u00a0", " ").rstrip()


def text_line_block(raw: str) -> Block | None:
    line = _clean(raw)
    if not line.strip():
        return None
    bullet = _BULLET.match(line)
    if bullet:
        indent = 1 if len(bullet.group(1).expandtabs(4)) >= 1 else 0
        return Block("bullet", line[bullet.end():].strip(), indent=indent)
    if "\t" in line.strip():
        return Block("table", rows=[[cell.strip() for cell in line.strip().split("\t")]])
    return Block("para", line.strip())


def read_text(filename: str, data: bytes) -> list[Block]:
    blocks = [text_line_block(line) for line in decode_text(filename, data).splitlines()]
    return _merge_tables([b for b in blocks if b is not None])


def read_markdown(filename: str, data: bytes) -> list[Block]:
    blocks: list[Block] = []
    for raw in decode_text(filename, data).splitlines():
        line = _clean(raw)
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            level = len(heading.group(1))
            text = re.sub(r"[*_]{2}(.+?)[*_]{2}", r"\1", heading.group(2))
            blocks.append(Block("title" if level == 1 and not blocks else "heading", text, level=max(level - 1, 1)))
        elif re.match(r"^\s*\|.*\|\s*$", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            blocks.append(Block("table", rows=[cells]))
        else:
            block = text_line_block(line)
            if block is not None:
                if block.kind == "table":  # a tab in Markdown prose is not a table
                    block = Block("para", line.strip())
                blocks.append(block)
    return _merge_tables(blocks)


def _merge_tables(blocks: list[Block]) -> list[Block]:
    """Consecutive one-row tables (tab-separated lines) become one table."""
    merged: list[Block] = []
    for block in blocks:
        if block.kind == "table" and merged and merged[-1].kind == "table":
            merged[-1].rows.extend(block.rows)
        else:
            merged.append(block)
    return merged


def read_docx(filename: str, data: bytes) -> list[Block]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(filename, "this is not a Word (.docx) document; it may be an old .doc file or damaged")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
    except Exception as error:  # python-docx raises many types for damaged files
        raise DocumentError(filename, f"the Word document could not be opened ({type(error).__name__})") from error
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Table):
            rows = [[_clean(cell.text).strip() for cell in _unique_cells(row)] for row in item.rows]
            rows = [r for r in rows if any(r)]
            if rows:
                blocks.append(Block("table", rows=rows))
        elif isinstance(item, Paragraph):
            block = _docx_paragraph(item)
            if block is not None:
                blocks.append(block)
    return blocks


def _unique_cells(row):
    """Merged cells repeat in python-docx; keep each once."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _docx_paragraph(paragraph) -> Block | None:
    text = _clean(paragraph.text).strip()
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if style == "title":
        return Block("title", text, level=1)
    heading = re.match(r"heading (\d)", style)
    if heading:
        return Block("heading", text, level=int(heading.group(1)))
    if "list" in style or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        indent = 1 if re.search(r"list (?:bullet|number|paragraph) ?[2-9]", style) else 0
        block = text_line_block(text)
        return Block("bullet", block.text if block and block.kind == "bullet" else text, indent=indent)
    if all(run.bold for run in paragraph.runs if run.text.strip()) and len(text) < 100:
        block = text_line_block(text)
        if block and block.kind == "para":
            return Block("para", text)
    return text_line_block(text)
