"""Small recognisers for the things policies say in many ways: dates,
review cycles, legislation and lists of related policies."""

from __future__ import annotations

import calendar
import datetime
import re

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE_TEXT = re.compile(
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\.?\s+\d{{4}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}",
    re.IGNORECASE,
)


def read_date(text: str | None) -> datetime.date | None:
    """A date where one can be read: "Sept 2023" -> 1 Sept 2023, "12/03/2021"
    (UK day-first), "2021-03-12", "1st September 2024". None otherwise."""
    if not text:
        return None
    text = text.strip()
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if iso:
        return _safe_date(*(int(g) for g in iso.groups()))
    numeric = re.search(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    words = re.search(rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH})\.?,?\s+(\d{{4}})", text, re.IGNORECASE)
    if words:
        day = int(words.group(1) or 1)
        return _safe_date(int(words.group(3)), _MONTHS[words.group(2).lower()[:3]], day)
    return None


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eighteen": 18, "twelve": 12,
                 "twenty-four": 24, "thirty-six": 36}


def _number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def review_cycle_months(text: str | None) -> int | None:
    """"3 Years" -> 36, "every two years" -> 24, "annually" -> 12, "every 18 months" -> 18."""
    if not text:
        return None
    lowered = text.lower()
    match = re.search(r"(\d+|[a-z\-]+)\s*(?:\(\d+\)\s*)?(year|month)s?\b", lowered)
    if match and _number(match.group(1)):
        n = _number(match.group(1))
        return n * 12 if match.group(2) == "year" else n
    if re.search(r"\b(?:annual(?:ly)?|every year|each year|yearly)\b", lowered):
        return 12
    if re.search(r"\bbiennial(?:ly)?\b", lowered):
        return 24
    if re.search(r"\btriennial(?:ly)?\b", lowered):
        return 36
    return None


_REVIEW_CLAUSE = re.compile(
    r"(?:review(?:ed|s)?|revisited)\b[^.]{0,120}?\b(?:every|each|annually|biennially|triennially|"
    r"(?:once\s+)?a\s+year|yearly)\b[^.]{0,30}",
    re.IGNORECASE,
)


def review_clause_months(text: str) -> int | None:
    """A review cycle stated in running text, e.g. "These reviews will be no
    less frequently than every two years"."""
    for match in _REVIEW_CLAUSE.finditer(text):
        months = review_cycle_months(match.group(0)[match.group(0).lower().rfind("every") :] or match.group(0))
        months = months or review_cycle_months(match.group(0))
        if months:
            return months
    return None


_LAW_END = re.compile(r"\b(Act|Regulations?|Order|Directive)\b(?:\s*\(?(\d{4})\)?)?")
_CONNECTORS = {"of", "and", "for", "the", "to", "in", "on", "etc.", "etc", "&"}


def legislation(text: str) -> list[str]:
    """Acts and regulations named in the text ("Computer Misuse Act 1990"), the
    GDPR in its several names, and statutory guidance trusts cite."""
    found: list[str] = []
    for line in text.splitlines():
        for match in _LAW_END.finditer(line):
            name = _law_name(line, match)
            if name:
                found.append(name)
        found.extend(_guidance(line))
    return _dedupe(found)


def _law_name(line: str, match: re.Match) -> str | None:
    if not match.group(2) and match.group(1) != "Regulation":
        return None  # "the Act" alone, or an Act without a year, is too vague to record
    head = line[: match.start()]
    tokens = re.findall(r"\([^()]*\)|[\w’'\-.]+", head)
    words: list[str] = []
    for token in reversed(tokens):
        bare = token.strip(".,;:")
        if token.startswith("(") or (bare and bare[0].isupper()) or (words and bare.lower() in _CONNECTORS):
            words.insert(0, token)
            continue
        break
    while words and words[0].lower() in _CONNECTORS | {"the"}:
        words.pop(0)
    if not words:
        return None
    name = " ".join(words + [match.group(1)])
    if match.group(2):
        name += f" {match.group(2)}"
    if "General Data Protection Regulation" in name:
        return f"{'UK ' if name.startswith('UK') else ''}General Data Protection Regulation"
    if match.group(1) == "Regulation" and not match.group(2):
        return None
    return name


def _guidance(line: str) -> list[str]:
    names = []
    for match in re.finditer(r"Keeping Children Safe in Education(?:\s*\(?(\d{4})\)?)?", line):
        names.append("Keeping Children Safe in Education" + (f" {match.group(1)}" if match.group(1) else ""))
    for match in re.finditer(r"Working Together to Safeguard Children(?:\s*\(?(\d{4})\)?)?", line):
        names.append("Working Together to Safeguard Children" + (f" {match.group(1)}" if match.group(1) else ""))
    if re.search(r"\bUK GDPR\b", line):
        names.append("UK General Data Protection Regulation")
    elif re.search(r"\bGDPR\b", line) and "General Data Protection Regulation" not in line:
        names.append("General Data Protection Regulation")
    return names


def _dedupe(names: list[str]) -> list[str]:
    seen, unique = set(), []
    for name in names:
        key = name.lower()
        if key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


_POLICY_NAME = re.compile(
    r"(.+?\b(?:Policy|Policies|Procedures?|Guidance|Code of Conduct|Protocol|Plan|Statement|Strategy))"
    r"(\s*[\[(][^\])]*[\])])?(?=\s+[A-Z]|\s*$|\s*[;,])"
)


def split_policy_names(text: str) -> list[str]:
    """"Data Protection Policy Freedom of Information Policy" -> two names."""
    text = text.strip().rstrip(".;,")
    names = []
    position = 0
    while position < len(text):
        match = _POLICY_NAME.match(text, position)
        if not match:
            rest = text[position:].strip(" ;,")
            if rest:
                names.append(rest)
            break
        names.append((match.group(1).strip(" ;,") + (match.group(2) or "")).strip())
        position = match.end()
        while position < len(text) and text[position] in " ;,":
            position += 1
    return [re.sub(r"^(?:and|the)\s+", "", n, flags=re.IGNORECASE).strip() for n in names if n.strip()]
