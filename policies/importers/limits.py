"""How much a document may unpack to before the importer reads it.

A 38 KB .docx of 175,000 empty paragraphs once held a web worker for over
three CPU-minutes. Every check here is cheap and runs before the expensive
parse: the zip's declared sizes first (Python's zipfile never reads past a
member's declared size, so a lying header cannot smuggle in more), then a
streaming count of paragraphs and characters that keeps no tree in memory.
Real policies are far below every limit: the longest sample is under 2,000
paragraphs and 150,000 characters.
"""

from __future__ import annotations

import zipfile

from lxml import etree

from policies.importers.model import DocumentError

MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # the whole .docx, unzipped
MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024  # word/document.xml alone
MAX_PARTS = 1000  # files inside the .docx; Word writes a few dozen
MAX_PARAGRAPHS = 20_000  # Word paragraphs, or non-blank lines of .md / .txt
MAX_CHARACTERS = 2_000_000  # text, in any format

UNPACKS_TOO_LARGE = (
    "the Word document unpacks to more than {limit} MB; a policy document is far smaller. "
    "It may be damaged: open it in Word and save it again"
)
TOO_MANY_PARTS = (
    "the Word document holds more than {limit:,} parts; a policy document holds a few dozen. "
    "It may be damaged: open it in Word and save it again"
)
TOO_MANY_PARAGRAPHS = (
    "the document has more than {limit:,} paragraphs; a policy document has far fewer. "
    "Remove empty paragraphs, or split it into separate policies"
)
TOO_MANY_CHARACTERS = (
    "the document has more than {limit:,} characters of text; a policy document has far fewer. "
    "Split it into separate policies"
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The parts the Word reader turns into blocks: the body, and page headers and footers.
_TEXT_PARTS = ("word/document.xml", "word/header", "word/footer")


def check_docx(filename: str, archive: zipfile.ZipFile) -> None:
    """Refuse a .docx that would unpack to too much, from its declared sizes
    and a streaming count; raises DocumentError with a plain reason."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise DocumentError(filename, TOO_MANY_PARTS.format(limit=MAX_PARTS))
    total = sum(member.file_size for member in members)
    body = next((m.file_size for m in members if m.filename == "word/document.xml"), 0)
    if total > MAX_UNPACKED_BYTES or body > MAX_DOCUMENT_XML_BYTES:
        raise DocumentError(filename, UNPACKS_TOO_LARGE.format(limit=MAX_UNPACKED_BYTES // (1024 * 1024)))
    paragraphs = characters = 0
    for member in members:
        if not member.filename.startswith(_TEXT_PARTS):
            continue
        with archive.open(member) as stream:
            paragraphs, characters = _count(filename, stream, paragraphs, characters)


def _count(filename: str, stream, paragraphs: int, characters: int) -> tuple[int, int]:
    """Add one part's paragraphs and characters to the running totals,
    stopping at the first limit passed."""
    events = etree.iterparse(stream, events=("end",), tag=(f"{_W}p", f"{_W}t"), resolve_entities=False,
                             no_network=True, huge_tree=False)
    try:
        for _, element in events:
            if element.tag == f"{_W}p":
                paragraphs += 1
                if paragraphs > MAX_PARAGRAPHS:
                    raise DocumentError(filename, TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS))
                element.clear(keep_tail=False)  # keep memory flat: nothing below is needed again
            else:
                characters += len(element.text or "")
                if characters > MAX_CHARACTERS:
                    raise DocumentError(filename, TOO_MANY_CHARACTERS.format(limit=MAX_CHARACTERS))
    except etree.XMLSyntaxError:
        pass  # damaged XML: python-docx reports it in the reader's own words
    return paragraphs, characters


def check_text(filename: str, text: str) -> None:
    """The same limits for Markdown and plain text, on the decoded text."""
    if len(text) > MAX_CHARACTERS:
        raise DocumentError(filename, TOO_MANY_CHARACTERS.format(limit=MAX_CHARACTERS))
    lines = sum(1 for line in text.split("\n") if line.strip())
    if lines > MAX_PARAGRAPHS:
        raise DocumentError(filename, TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS))
