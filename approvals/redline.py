"""What changed between two versions: sections added, removed or moved, and
word-level insertions and deletions within each section.

Sections are matched by their heading without its number, so renumbering
alone is not a change of content, and a section that changes place is
reported as moved rather than as one deletion and one insertion.

Both texts are normalised first and whitespace alone is never a change: a
draft saved from a browser (CRLF) or an old approved version stored with
trailing spaces compares cleanly with its successor.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from policies.models import PolicyVersion
from policies.text import normalise_text

_HEADING = re.compile(r"^##\s+(.*)$", re.MULTILINE)
_NUMBER = re.compile(r"^(?:(?:appendix|annex)\s+\w+\s*[-–—:]?\s*|\d+(?:\.\d+)*\.?\s+)", re.IGNORECASE)
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    text: str


@dataclass(frozen=True)
class SectionChange:
    kind: str  # "unchanged", "changed", "added", "removed", "moved"
    heading: str
    old_heading: str
    html: SafeString

    @property
    def label(self) -> str:
        return {"unchanged": "Unchanged", "changed": "Changed", "added": "New section",
                "removed": "Section removed", "moved": "Moved"}[self.kind]


def sections(body: str) -> list[Section]:
    """Split Markdown into its "## " sections; text before the first heading
    is a preamble section."""
    parts: list[Section] = []
    matches = list(_HEADING.finditer(body))
    preamble = body[: matches[0].start()] if matches else body
    if preamble.strip():
        parts.append(Section(key="(preamble)", heading="Opening text", text=preamble.strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        heading = match.group(1).strip()
        key = " ".join(_NUMBER.sub("", heading).lower().split()) or heading.lower()
        parts.append(Section(key=key, heading=heading, text=body[match.end():end].strip()))
    return parts


def word_diff(old: str, new: str) -> SafeString:
    """The new text with deletions in <del> and insertions in <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in _merged(difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes(), a):
        if op == "equal" or _blank(a[i1:i2]) and _blank(b[j1:j2]):
            out.append(escape("".join(b[j1:j2])))  # the new text's spacing, unmarked
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308  (every piece of text above is escaped)


def _blank(tokens: list[str]) -> bool:
    return not "".join(tokens).strip()


def _merged(opcodes: list[tuple], a: list[str]) -> list[tuple]:
    """Join changes separated only by a space, so "one year" -> "six months"
    reads as one replacement, not two."""
    merged: list[tuple] = []
    for op in opcodes:
        if (len(merged) >= 2 and op[0] != "equal" and merged[-1][0] == "equal"
                and merged[-2][0] != "equal" and not "".join(a[merged[-1][1]:merged[-1][2]]).strip()):
            merged.pop()  # the space between the two changes
            first = merged.pop()
            op = ("replace", first[1], op[2], first[3], op[4])
        merged.append(op)
    return merged


def compare(old_body: str, new_body: str) -> list[SectionChange]:
    old, new = sections(normalise_text(old_body)), sections(normalise_text(new_body))
    old_by_key = {s.key: s for s in old}
    new_keys = {s.key for s in new}
    stayed = _in_order({s.key for s in old} & new_keys, [s.key for s in old], [s.key for s in new])
    changes: list[SectionChange] = []
    for section in new:
        before = old_by_key.get(section.key)
        if before is None:
            inserted = mark_safe(f"<ins>{escape(section.text)}</ins>")  # noqa: S308  (escaped)
            changes.append(SectionChange("added", section.heading, "", inserted))
            continue
        html = word_diff(before.text, section.text)
        if section.key not in stayed:
            kind = "moved"
        elif before.text.split() != section.text.split():
            kind = "changed"
        else:
            kind = "unchanged"
        changes.append(SectionChange(kind, section.heading, before.heading, html))
    for section in old:
        if section.key not in new_keys:
            changes.append(SectionChange("removed", "", section.heading,
                                         mark_safe(f"<del>{escape(section.text)}</del>")))  # noqa: S308
    return changes


def _in_order(common: set[str], old_keys: list[str], new_keys: list[str]) -> set[str]:
    """The common sections that kept their relative order (the longest
    common subsequence); the rest have moved."""
    a = [k for k in old_keys if k in common]
    b = [k for k in new_keys if k in common]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    kept: set[str] = set()
    for block in matcher.get_matching_blocks():
        kept.update(a[block.a: block.a + block.size])
    return kept


@dataclass(frozen=True)
class VariantChange:
    """A variant for audiences between two versions: added, removed, changed
    (with its section changes) or unchanged, matched by its key."""

    kind: str  # "unchanged", "changed", "added", "removed"
    key: str
    title: str
    old_title: str
    changes: list[SectionChange]

    @property
    def label(self) -> str:
        return {"unchanged": "Unchanged", "changed": "Changed", "added": "New variant",
                "removed": "Variant removed"}[self.kind]


def compare_variants(old: PolicyVersion | None, new: PolicyVersion) -> list[VariantChange]:
    """Each variant's own redline, in the new version's key order, then the
    variants the new version no longer has."""
    before = {v.key: v for v in old.variants.all()} if old is not None and old.pk != new.pk else {}
    after = list(new.variants.all())
    result: list[VariantChange] = []
    for variant in after:
        was = before.get(variant.key)
        if was is None:
            result.append(VariantChange("added", variant.key, variant.title, "", compare("", variant.body)))
            continue
        same = was.body.split() == variant.body.split() and was.title == variant.title
        result.append(VariantChange("unchanged" if same else "changed", variant.key, variant.title, was.title,
                                    compare(was.body, variant.body)))
    kept = {v.key for v in after}
    result += [VariantChange("removed", v.key, "", v.title, compare(v.body, ""))
               for key, v in before.items() if key not in kept]
    return result
