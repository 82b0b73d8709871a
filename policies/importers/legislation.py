"""Legislation and statutory guidance a policy names: Acts and Regulations
("Computer Misuse Act 1990", "Telecommunications (Lawful Business Practice)
(Interception of Communications) Regulations 2000"), the GDPR under its
several names, and guidance such as Keeping Children Safe in Education."""

from __future__ import annotations

import re

_END = re.compile(r"\b(Act|Regulations|Regulation)\b(?:\s*\(?((?:19|20)\d{2})\)?)?")
_TOKEN = re.compile(r"\([^()]{1,80}\)|[\w’'&.,\-]+")
_JOINING = {"of", "and", "for", "the", "to", "in", "on", "&", "with", "at", "etc"}
# Capitalised words that start a sentence or a reference rather than a name.
_NOT_NAME = {
    "the", "this", "that", "these", "under", "in", "with", "see", "by", "as", "per", "following", "including",
    "also", "both", "within", "from", "through", "via", "and", "or", "any", "each", "all", "of", "section", "part",
    "schedule", "article", "our", "its", "their", "uk", "eu",
}
_GUIDANCE = [
    (re.compile(r"\b(?:Keeping Children Safe in Education|KCSIE)\b(?:\s*(?:\(|,)?\s*(?:(?:Sept(?:ember)?\s+)?"
                r"((?:19|20)\d{2})))?", re.IGNORECASE), "Keeping Children Safe in Education"),
    (re.compile(r"\bWorking Together to Safeguard Children\b(?:\s*\(?((?:19|20)\d{2}))?", re.IGNORECASE),
     "Working Together to Safeguard Children"),
    (re.compile(r"\bPrevent Duty Guidance\b(?:\s*\(?((?:19|20)\d{2}))?", re.IGNORECASE), "Prevent Duty Guidance"),
    (re.compile(r"\bSEND Code of Practice\b(?:\s*\(?((?:19|20)\d{2}))?", re.IGNORECASE), "SEND Code of Practice"),
]
_GDPR = "General Data Protection Regulation"


def find_legislation(texts: list[str]) -> list[str]:
    """Names in document order, each once; a name given with its year also
    stands for the same name given without one."""
    found: list[str] = []
    for text in texts:
        hits: list[tuple[int, str]] = []
        for match in _END.finditer(text):
            name = _name_before(text, match)
            if name:
                hits.append((match.start(), name))
        for pattern, name in _GUIDANCE:
            for match in pattern.finditer(text):
                hits.append((match.start(), f"{name} {match.group(1)}" if match.group(1) else name))
        for match in re.finditer(r"\b(UK |EU )?GDPR\b", text):
            hits.append((match.start(), f"UK {_GDPR}" if match.group(1) == "UK " else _GDPR))
        found.extend(name for _, name in sorted(hits))
    return _unique(found)


def _name_before(text: str, match: re.Match) -> str | None:
    kind, year = match.group(1), match.group(2)
    words: list[str] = []
    for token in reversed(_TOKEN.findall(text[: match.start()])):
        bare = token.strip(".,")
        if token.endswith((".", ";", ":")) and not token.startswith("("):
            break  # the previous sentence
        if token.startswith("("):
            if not (words or token[1:2].isupper()):
                break
            words.insert(0, token)
        elif bare[:1].isupper() or (words and bare.lower() in _JOINING):
            words.insert(0, bare if token.endswith(".") else token)
        else:
            break
        if token.endswith(","):
            words[0] = token  # "Copyright, Designs and Patents Act" keeps its comma
    while words and (words[0].lower().strip(",") in _NOT_NAME or words[0].startswith("(")):
        if words[0].lower() == "uk" and " ".join(words[1:4]) == "General Data Protection":
            break
        words.pop(0)
    while words and words[-1].lower() in _JOINING:
        words.pop()
    if not words:
        return None
    name = " ".join(words).rstrip(",")
    if "General Data Protection" in name and kind == "Regulation":
        return f"UK {_GDPR}" if name.startswith("UK") else _GDPR
    if kind == "Regulation":
        return None  # "Regulation" alone is a common noun outside the GDPR
    if not year and len(words) < 2:
        return None  # "the Act", "Children Act": too vague without a year
    return f"{name} {kind}" + (f" {year}" if year else "")


def _unique(names: list[str]) -> list[str]:
    dated = {re.sub(r"\s+(?:19|20)\d{2}$", "", n).lower() for n in names if re.search(r"(?:19|20)\d{2}$", n)}
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = name.lower()
        if key in seen or (key in dated and not re.search(r"\d{4}$", name)):
            continue
        seen.add(key)
        out.append(name)
    return out
