"""parse_document: read a file into blocks, then recognise the title, the
document details and version history, the body's outline, related policies
and legislation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from policies.importers.blocks import Block
from policies.importers.contents import drop_contents
from policies.importers.dates import date_is_approximate, read_date
from policies.importers.flattened import unflatten
from policies.importers.legislation import find_legislation
from policies.importers.markdown import read_markdown
from policies.importers.metadata import Details
from policies.importers.model import DocumentError, ParsedPolicy, ParsedVersion
from policies.importers.outline import Item, build_outline
from policies.importers.related import find_related
from policies.importers.render import render_markdown
from policies.importers.review import clause_months, cycle_months, is_about_the_policy, sentences
from policies.importers.text import read_text
from policies.importers.title import find_title, title_from_filename
from policies.importers.versions import table_versions, version_label
from policies.importers.word import read_docx
from policies.text import normalise_text

_DETAILS_CAPTION = re.compile(
    r"^(?:document|version|policy|revision|review)\s+(?:control|history|information|details|record)s?:?$", re.IGNORECASE
)
# PolicyVersion.label holds 20 characters and is part of the version's address.
LABEL_MAX_LENGTH = 20
TITLE_MAX_LENGTH = 300  # Policy.title
# A part that cannot be read is a warning, never a refusal: the rest imports
# and the correction form shows what to check.
NO_TITLE = "No title was found; “{title}” was taken from the file name. Check it."
TITLE_GUESSED = "The title “{title}” was taken from the first line; check it."
TITLE_TOO_LONG = "The title was longer than 300 characters and was shortened to “{title}”; check it."
UNUSABLE_LABEL = (
    "The version table's label “{label}” cannot be used (a version label is at most 20 characters, "
    "without “/”, for example 2.1); the row is kept without a label: set it by hand."
)
REPEATED_LABEL = "Version {label} is listed twice in the version table; the first row is kept."
READERS: dict[str, Callable[[str, bytes], list[Block]]] = {
    ".docx": read_docx,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_text,
    ".text": read_text,
}


def parse_document(filename: str, data: bytes) -> ParsedPolicy:
    """Read a Word, Markdown or text policy. Raises DocumentError, naming the
    file and the reason, when it cannot be read."""
    suffix = Path(filename).suffix.lower()
    read = READERS.get(suffix)
    if read is None:
        raise DocumentError(filename, f"unsupported file type {suffix or '(none)'}; use .docx, .md or .txt")
    blocks = unflatten(read(filename, data))
    furniture = [block for block in blocks if block.furniture]
    blocks = [block for block in blocks if not block.furniture]
    if not any(block.plain or any(any(row) for row in block.rows) for block in blocks):
        raise DocumentError(filename, "the document has no text")
    policy = ParsedPolicy(filename=filename, title="")
    title_index = _settle_title(policy, blocks)

    # Lines above the title (the trust's name, a logo's caption) only count for details.
    details = Details()
    versions: list[ParsedVersion] = []
    _take_details(blocks[: max(title_index, 0)], details, versions, policy.warnings, above_title=True)
    body = _take_details(drop_contents(blocks[title_index + 1 :]), details, versions, policy.warnings)
    _take_details(_split_furniture(furniture), details, versions, [])

    outline = build_outline(body, policy.title)
    policy.sections = outline.sections
    policy.warnings.extend(outline.warnings)
    policy.body_markdown = normalise_text(render_markdown(outline.items))
    _settle_versions(policy, details, versions)
    policy.owner = details.values.get("owner")
    policy.review_cycle_months = cycle_months(details.values.get("cycle")) or _cycle_in_text(outline.items)
    if any(block.flattened for block in blocks) and policy.versions:
        policy.uncertain.append("versions")
    policy.related_policies = find_related(outline.items)
    policy.legislation = find_legislation([_text(item) for item in outline.items])
    if details.unknown:
        policy.warnings.append(f"Document details not recognised: {'; '.join(details.unknown)}.")
    return policy


def _split_furniture(blocks: list[Block]) -> list[Block]:
    """A footer often strings details together: "Version 3.1 | Review date: March 2026"."""
    split: list[Block] = []
    for block in blocks:
        parts = re.split(r"\s+[|•·]\s+", block.text) if block.kind == "para" else []
        if len(parts) > 1:
            split.extend(Block("para", part.strip(), furniture=True) for part in parts if part.strip())
        else:
            split.append(block)
    return split


def _settle_title(policy: ParsedPolicy, blocks: list[Block]) -> int:
    """Set the title; returns the title block's index, or -1 when the title
    came from the file name."""
    found = find_title(blocks)
    if found is None:
        policy.title = title_from_filename(policy.filename)
        policy.uncertain.append("title")
        policy.warnings.append(NO_TITLE.format(title=policy.title))
        return -1
    title_index, title, guessed = found
    if len(title) > TITLE_MAX_LENGTH:
        title = _cut(title, TITLE_MAX_LENGTH)
        policy.warnings.append(TITLE_TOO_LONG.format(title=_shortened(title, 80)))
        guessed = True
    elif guessed:
        policy.warnings.append(TITLE_GUESSED.format(title=title))
    policy.title = title
    if guessed:
        policy.uncertain.append("title")
    return title_index


def _cut(text: str, limit: int) -> str:
    """At most limit characters, ending at a word (or a dash or colon, where
    a subtitle starts) rather than mid-word."""
    head = text[: limit + 1]
    for mark in (" – ", " — ", " - ", ": "):
        at = head.rfind(mark)
        if at >= limit // 4:
            return head[:at].strip()
    at = head.rfind(" ")
    return (head[:at] if at >= limit // 4 else text[:limit]).strip(" ,;:-–—")


def _take_details(
    blocks: list[Block], details: Details, versions: list[ParsedVersion], warnings: list[str], *,
    above_title: bool = False,
) -> list[Block]:
    """Version tables, key/value details and approval lines are read and
    left out of the body; everything else is the body."""
    body: list[Block] = []
    skip = 0
    for index, block in enumerate(blocks):
        if skip:
            skip -= 1
            continue
        if block.kind == "table":
            table = table_versions(block.rows)
            if table is not None:
                versions.extend(table)
            elif not details.table(block.rows):
                body.append(block)
                continue
        else:
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            following = after.plain if after is not None and after.kind != "table" else None
            used = details.approval(block.plain, following)
            skip = max(used - 1, 0)
            if not used and not (block.kind in ("para", "bullet") and details.line(block.text)):
                body.append(block)
                continue
        if body and _DETAILS_CAPTION.match(body[-1].plain):
            body.pop()  # "Document control" above the details it names
    if above_title:
        # A cover page (the trust's name, a strapline, the schools) is expected
        # above the title; only running text left out is worth a look.
        prose = next((b for b in body if b.kind == "table" or len(b.plain.split()) > 15), None)
        if prose is not None:
            text = prose.plain or " ".join(" ".join(row) for row in prose.rows)
            warnings.append(f"Text above the title was left out: “{_cut(text, 80)}…”.")
    return body


def _settle_versions(policy: ParsedPolicy, details: Details, versions: list[ParsedVersion]) -> None:
    """The version table wins; key/value details or an approval line give one
    version where there is no table (or one the table lacks). A row that
    cannot be used is kept, or left out, with a warning: never a refusal."""
    from_details = details.version()
    labels = {v.version for v in versions}
    if from_details is not None and (not versions or (from_details.version and from_details.version not in labels)):
        versions.append(from_details)
    kept: list[ParsedVersion] = []
    unusable: list[int] = []
    seen: set[str] = set()
    for version in versions:
        if version.version and (len(version.version) > LABEL_MAX_LENGTH or "/" in version.version):
            policy.warnings.append(UNUSABLE_LABEL.format(label=_shortened(version.version)))
            version.version = None
            unusable.append(len(kept))
        if version.version in seen:
            policy.warnings.append(REPEATED_LABEL.format(label=version.version))
            continue
        if version.version:
            seen.add(version.version)
        kept.append(version)
    policy.versions = kept
    policy.uncertain.extend(f"versions.{index}.version" for index in unusable)
    policy.first_published = details.values.get("published")
    newest = _newest(kept)
    policy.next_review = details.values.get("next_review") or (newest.next_review if newest else None)
    policy.next_review_on = read_date(policy.next_review)
    for index, version in enumerate(kept):
        if version.approved and version.approved_on is None:
            label = f"Version {version.version}" if version.version else "The approval"
            policy.warnings.append(f"{label}: “{version.approved}” is not a date the portal can read.")
        if version.approved and (version.approved_on is None or date_is_approximate(version.approved)):
            policy.uncertain.append(f"versions.{index}.approved")
        if version.next_review and date_is_approximate(version.next_review):
            policy.uncertain.append(f"versions.{index}.next_review")
        if version.version and version.version == version_label(version.version) and not version.version[0].isdigit():
            policy.warnings.append(f"Version label “{version.version}” is not a number.")
    if policy.next_review and policy.next_review_on is None:
        policy.warnings.append(f"Next review “{policy.next_review}” is not a date; set the review date by hand.")
    if policy.next_review and (policy.next_review_on is None or date_is_approximate(policy.next_review)):
        policy.uncertain.append("next_review")


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _newest(versions: list[ParsedVersion]) -> ParsedVersion | None:
    if not versions:
        return None
    if all(v.approved_on for v in versions):
        return max(versions, key=lambda v: v.approved_on)
    return versions[-1]


def _cycle_in_text(items: list[Item]) -> int | None:
    """A review period stated in the text, preferring what the review section
    says over a passing mention elsewhere."""
    in_review, review_text, other_text = False, [], []
    for item in items:
        if item.is_heading and item.level == 1:
            in_review = "review" in item.text.lower()
        elif not item.is_heading:
            (review_text if in_review else other_text).append(_text(item))
    mentions_policy = [s for s in sentences(" ".join(other_text)) if is_about_the_policy(s)]
    return clause_months(sentences(" ".join(review_text))) or clause_months(mentions_policy)


def _text(item: Item) -> str:
    if item.kind == "table":
        return "\n".join(" ".join(row) for row in item.rows)
    return item.text
