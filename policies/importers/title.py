"""The policy's title: the Title style or Markdown "# " heading where there
is one, then a first Word heading that names a policy, otherwise the first
short line near the top that does."""

from __future__ import annotations

import re

from policies.importers.blocks import Block

POLICY_WORD = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|protocols?|code of (?:conduct|practice)|statement|guidance|guidelines|plan|"
    r"strategy|charter|agreement|framework|handbook|rules)\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|appendix\s+\w+|annexe?\s+\w+)(?:\s|$)", re.IGNORECASE)
_LABELLED = re.compile(
    r"^(?:(?:policy|document)\s+(?:title|name)|title|name of (?:the )?(?:policy|document))\s*(?:[:\t]|\s-\s)\s*(\S.*)$",
    re.IGNORECASE,
)
# A school or trust's name alone ("Oakfield Primary School", "The Riverside
# Learning Trust") heads many cover pages; it is not the policy's title.
_ORGANISATION = re.compile(
    r"\b(?:school|academy|academies|trust|college|federation|partnership|infants?|juniors?|primary|nursery|"
    r"learning community|multi[- ]academy trust|MAT|diocese|sixth form)$",
    re.IGNORECASE,
)
# A sentence ("This policy sets out how we…") rather than a name.
_SENTENCE = re.compile(
    r"\b(?:is|are|was|were|will|must|should|shall|can|sets? out|applies|apply|describes?|explains?|outlines?|aims?|"
    r"has|have|ensures?|provides?|explains|we|our|you)\b",
    re.IGNORECASE,
)
_DETAIL_LEAD = re.compile(
    r"^(?:related|linked|associated|see also|policy (?:owner|lead)|owner|version|issue|status|author|reviewed|"
    r"adopted|ratified|next review|date)\b",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(r"^(?:contents|table of contents|index|version|draft|approved|review|date|page \d+)\b",
                        re.IGNORECASE)
# Kept in capitals when an all-capitals title is put into title case.
_ACRONYMS = {
    "IT", "ICT", "SEND", "SEN", "GDPR", "UK", "CCTV", "EYFS", "PSHE", "RSE", "RSHE", "DSL", "CEO", "HR", "PE",
    "LGB", "DBS", "KCSIE", "EAL", "SMSC", "STEM", "CPD", "DPO", "FOI", "AI", "ECT", "PPA", "SLT", "MAT", "EHCP",
    "LAC", "IGG", "SRE", "ESFA", "DFE", "CSE", "FGM", "CIC",
}
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def find_title(blocks: list[Block]) -> tuple[int, str, bool] | None:
    """(index of the title block, the title, whether it was only a best guess)."""
    styled = next(((i, b) for i, b in enumerate(blocks) if b.kind == "title" and b.plain), None)
    if styled and (POLICY_WORD.search(styled[1].plain) or not _ORGANISATION.search(styled[1].plain)):
        return styled[0], title_case(styled[1].plain), False
    candidates: list[tuple[int, Block]] = []
    for index, block in enumerate(blocks[:25]):
        labelled = _LABELLED.match(block.plain) if block.kind == "para" else None
        if labelled:
            return index, title_case(labelled.group(1)), False
        if _could_be_title(block):
            candidates.append((index, block))
    first_heading = next(((i, b) for i, b in enumerate(blocks[:25]) if b.kind == "heading"), None)
    if first_heading and first_heading in candidates and POLICY_WORD.search(first_heading[1].plain):
        return first_heading[0], title_case(first_heading[1].plain), False
    for index, block in candidates:
        if POLICY_WORD.search(block.plain):
            return index, title_case(block.plain), False
    for index, block in candidates:
        if block.kind == "heading" and block.level == 1:
            return index, title_case(block.plain), False
    if styled:
        return styled[0], title_case(styled[1].plain), False  # the trust's name in Title style, and nothing better
    names = [(i, b) for i, b in candidates if not _ORGANISATION.search(b.plain)]
    if names:
        index, block = names[0]
        return index, title_case(block.plain), True
    return None


def title_from_filename(filename: str) -> str:
    """A title from the file's name when the document shows none:
    "e-safety_policy_v3.docx" -> "E-safety Policy"."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,9}$", "", filename.rsplit("/", 1)[-1])
    stem = "".join(c if c.isprintable() else " " for c in stem)
    words = re.split(r"[_\s]+", stem) if re.search(r"[_\s]", stem.strip()) else stem.split("-")
    kept = [
        word for word in words
        if word and not re.fullmatch(
            r"(?:v(?:er(?:sion)?)?\.?\d+(?:\.\d+)*|\d+(?:[.\-]\d+)*|final|draft|copy|new|updated?|\(\d+\))",
            word, re.IGNORECASE)
    ]
    shaped = []
    for position, word in enumerate(kept):
        if word.isupper() and len(word) > 1:
            shaped.append(word)  # an acronym: "ICT", "SEND"
        elif position and word.lower() in _SMALL:
            shaped.append(word.lower())
        else:
            shaped.append(word[:1].upper() + word[1:])
    title = " ".join(shaped)
    return title[:300].strip() or "Imported policy"


def _could_be_title(block: Block) -> bool:
    text = block.plain
    return (
        block.kind in ("para", "heading")
        and 0 < len(text.split()) <= 15
        and len(text) <= 120
        and not text.endswith((".", ",", ";"))
        and not _NUMBERED.match(text)
        and not _NOT_TITLE.match(text)
        and not re.search(r":\s*\S|\t", text)  # "Policy owner: Headteacher" is a detail, not a title
        and any(c.isalpha() for c in text)
        and not _SENTENCE.search(text)
        and not _DETAIL_LEAD.match(text)
    )


def title_case(text: str) -> str:
    """"ELECTRONIC COMMUNICATIONS POLICY" -> "Electronic Communications
    Policy"; a title already in mixed case is kept as written."""
    text = re.sub(r"\s+", " ", text).strip().strip("#*").strip()
    if not text.isupper():
        return text
    words = []
    for position, word in enumerate(text.split(" ")):
        bare = re.sub(r"[^\w]", "", word)
        if bare in _ACRONYMS:
            words.append(word)
        elif position and word.lower() in _SMALL:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)
