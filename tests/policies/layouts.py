"""Policy documents written for the importer's tests, each laid out once and
rendered both as Word (.docx, built with python-docx) and as the text Word's
"Save as text" or a PDF-to-text tool would give.

A layout is a list of parts:
  ("title", text)            Word's Title style; a line of text
  ("heading", text, level)   Word's Heading N style; a line of text
  ("para", text)             a paragraph, written exactly (runs of spaces kept)
  ("bullet", text)           a bulleted list item
  ("table", rows)            a Word table; tab-separated lines in text
  ("header", text) / ("footer", text)
                             the Word page header or footer; in text, a line at
                             the top or the bottom of the page
"""

from __future__ import annotations

import io

import docx


def to_docx(parts: list[tuple]) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    for part in parts:
        kind = part[0]
        if kind == "title":
            document.add_paragraph(part[1], style="Title")
        elif kind == "heading":
            document.add_heading(part[1], level=part[2])
        elif kind == "para":
            document.add_paragraph(part[1])
        elif kind == "bullet":
            document.add_paragraph(part[1], style="List Bullet")
        elif kind == "table":
            rows = part[1]
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=False):
                    cell.text = value
        elif kind in ("header", "footer"):
            furniture = section.header if kind == "header" else section.footer
            furniture.is_linked_to_previous = False
            paragraph = furniture.paragraphs[0]
            paragraph.text = f"{paragraph.text}\n{part[1]}".strip() if paragraph.text else part[1]
        else:
            raise ValueError(kind)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def to_text(parts: list[tuple]) -> bytes:
    top = [part[1] for part in parts if part[0] == "header"]
    bottom = [part[1] for part in parts if part[0] == "footer"]
    lines: list[str] = [*top, ""] if top else []
    for part in parts:
        kind = part[0]
        if kind in ("title", "heading", "para"):
            lines += [part[1], ""]
        elif kind == "bullet":
            lines.append(f"•\t{part[1]}")
        elif kind == "table":
            lines += ["\t".join(row) for row in part[1]] + [""]
    lines += ["", *bottom]
    return "\n".join(lines).encode()
