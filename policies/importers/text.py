"""Plain text: usually Word's "Save as text", one paragraph a line, tabs
where Word had tabs or table cells."""

from __future__ import annotations

import re
import unicodedata

from policies.importers.blocks import Block, join_wrapped, line_block, merge_rows
from policies.importers.limits import check_text
from policies.importers.model import DocumentError


def decode_text(filename: str, data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252, which is what older
    Word and Notepad write; UTF-16 where a byte-order mark says so. Anything
    else is refused rather than garbled."""
    if not data.strip():
        raise DocumentError(filename, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = _from_utf16(filename, data)  # Notepad's "Unicode"
    if b"\x00" in data:  # anywhere: PostgreSQL cannot store a NUL, however far into the file
        raise DocumentError(filename, "this is not a text file (it contains binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            raise DocumentError(filename, "this does not look like text (it is mostly unreadable characters)")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u2028", "\n")
        check_text(filename, text)
        return text
    raise DocumentError(filename, "the text is neither UTF-8 nor Windows-1252")


def _from_utf16(filename: str, data: bytes) -> bytes:
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(filename, "the text is marked as UTF-16 but cannot be read as it") from error


def _looks_like_text(text: str) -> bool:
    """Random or binary bytes can decode as cp1252; real text is mostly
    letters and spaces with hardly any control characters."""
    sample = text[:20000]
    visible = [c for c in sample if not c.isspace()]
    if not visible:
        return True  # whitespace only: "the document has no text" is the clearer message
    controls = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Cn") and c not in "\t\n\r\f")
    letters = sum(1 for c in visible if c.isalpha())
    return controls / len(sample) < 0.01 and letters / len(visible) > 0.4


# A PDF turned into text, or an email-width text file, wraps a paragraph at
# about 60-100 characters with no blank line; Word's "Save as text" writes a
# paragraph a line. A long line that stops mid-sentence, straight above a
# line that does not start a clause, a bullet or a "Label:" of its own, is
# wrapped (the Markdown reader joins such lines by Markdown's own rule).
_WRAP_WIDTH = 60
_STARTS_SOMETHING = re.compile(r"\s*(?:\d+(?:\.\d+)*[.)]?\s|[A-Za-z][.)]\s|[•·▪◦*–-]\s|[A-Z][\w ,'’()/&-]{0,40}:)")
_COLUMNS = re.compile(r"\t| {3,}")


def _join_hard_wraps(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            line.strip()
            and len(previous.strip()) >= _WRAP_WIDTH
            and not previous.rstrip().endswith((".", ":", ";", "!", "?"))
            and not _COLUMNS.search(previous.strip())
            and not _COLUMNS.search(line.strip())
            and not _STARTS_SOMETHING.match(line)
        ):
            joined[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            joined.append(line)
    return joined


def read_text(filename: str, data: bytes) -> list[Block]:
    lines = _join_hard_wraps(decode_text(filename, data).split("\n"))
    blocks = [block for block in map(line_block, lines) if block is not None]
    return merge_rows(join_wrapped(blocks))
