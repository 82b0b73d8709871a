"""Version tables that lost their table on the way to text (PDF-to-text,
copy and paste): a header line whose cells are separated by runs of spaces
("Version   Date   Author   Changes   Review date") followed by rows laid out
the same way, or every cell on a line of its own (the header's cells, then
each row's values, a row starting at its version label). Either is rebuilt
as a table marked flattened, so the version rows it gives are checked."""

from __future__ import annotations

import re

from policies.importers.blocks import Block
from policies.importers.versions import column_of, version_header

_CELL = re.compile(r"\S+(?: \S+)*")  # words joined by single spaces; two or more spaces end a cell
_LABEL = re.compile(r"^(?:v(?:er(?:sion)?)?\.?\s*|issue\s+|rev(?:ision)?\.?\s*)?\d{1,3}(?:\.\d{1,3}){0,3}$",
                    re.IGNORECASE)


def unflatten(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        found = _spaced_table(blocks, index) or _cell_per_line_table(blocks, index)
        if found is None:
            out.append(blocks[index])
            index += 1
            continue
        table, index = found
        out.append(table)
    return out


def _cells(block: Block) -> list[tuple[int, str]]:
    """(where it starts, text) for each cell of a line laid out with spaces."""
    if block.kind != "para" or not block.spaced:
        return []
    line = block.spaced.expandtabs(8)
    return [(match.start(), match.group(0)) for match in _CELL.finditer(line)]


def _spaced_table(blocks: list[Block], start: int) -> tuple[Block, int] | None:
    header = _cells(blocks[start])
    if len(header) < 3 or version_header([text for _, text in header]) is None:
        return None
    starts = [at for at, _ in header]
    rows = [[text for _, text in header]]
    end = start + 1
    while end < len(blocks) and len(cells := _cells(blocks[end])) >= 2:
        rows.append(_aligned(cells, starts))
        end += 1
    if len(rows) < 2:
        return None
    return Block("table", rows=rows, flattened=True, furniture=blocks[start].furniture), end


def _aligned(cells: list[tuple[int, str]], starts: list[int]) -> list[str]:
    """A row's cells under the header's columns: in order when there is one
    for each column, otherwise each under the column it starts nearest."""
    if len(cells) == len(starts):
        return [text for _, text in cells]
    row = [""] * len(starts)
    for at, text in cells:
        column = min(range(len(starts)), key=lambda c: abs(starts[c] - at))
        row[column] = f"{row[column]} {text}".strip()
    return row


def _cell_per_line_table(blocks: list[Block], start: int) -> tuple[Block, int] | None:
    """Header cells each on a line, then the rows' values, each row starting
    at a line that is a version label."""
    header: list[str] = []
    end = start
    while (end < len(blocks) and blocks[end].kind == "para" and len(blocks[end].plain) <= 40
           and column_of(blocks[end].plain)):
        header.append(blocks[end].plain)
        end += 1
    if len(header) < 3 or version_header(header) is None:
        return None
    rows = [header]
    while end < len(blocks) and blocks[end].kind == "para" and _LABEL.match(blocks[end].plain):
        row = [blocks[end].plain]
        end += 1
        while (end < len(blocks) and len(row) < len(header) and blocks[end].kind == "para"
               and not _LABEL.match(blocks[end].plain) and len(blocks[end].plain.split()) <= 15):
            row.append(blocks[end].plain)
            end += 1
        rows.append(row + [""] * (len(header) - len(row)))
    if len(rows) < 2:
        return None
    return Block("table", rows=rows, flattened=True), end

