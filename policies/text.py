"""The one canonical form of a policy's text.

Text reaches the portal through the draft form, the htmx preview, the
importers, the Django admin and the shell. A browser's textarea posts CRLF
line endings (the HTML standard says so), Word leaves trailing spaces, and a
pasted text may start with a byte-order mark; none of that is a change a
committee should be shown. Every entry point passes the text through
`normalise_text` before a service stores or renders it, so hashes, redlines,
previews and searches all see the same characters.
"""

from __future__ import annotations

import re

# CRLF first, so it becomes one line break, not two; then old Mac CR and the
# Unicode line and paragraph separators, which Markdown would not treat as a
# line break but Python's splitlines and a reader's eye do.
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029]")
_BYTE_ORDER_MARK = "\ufeff"


def normalise_text(text: str) -> str:
    """LF line endings, no trailing whitespace on any line, no blank lines at
    the start or end, no byte-order mark in front.

    A line break after the last line is kept when the text had one (a file's
    last line ends with one; a form field's value is stripped of it): it is
    not a blank line, and the hash and the redline ignore it. Spaces and no-break spaces inside a line
    are left alone: they can be deliberate. Idempotent."""
    text = _LINE_BREAK.sub("\n", text.removeprefix(_BYTE_ORDER_MARK))
    # Two trailing spaces are a Markdown hard line break; they are stripped
    # too, because they are invisible in the editor and the saved text must
    # render as the preview did.
    lines = [line.rstrip() for line in text.split("\n")]
    kept = [index for index, line in enumerate(lines) if line]
    if not kept:
        return ""
    body = "\n".join(lines[kept[0]: kept[-1] + 1])
    return body + "\n" if kept[-1] < len(lines) - 1 else body
