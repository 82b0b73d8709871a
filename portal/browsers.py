"""How evidence keeps a browser's words (shared base: imports no app)."""

from __future__ import annotations


def browser_words(header: str) -> str:
    """A browser's own words, as a sign-off, a viewing or a vote by link keeps
    them: control characters (a NUL, which PostgreSQL cannot store) are
    dropped rather than failing the write, and at most 500 characters are kept."""
    return "".join(c for c in header if c.isprintable())[:500]
