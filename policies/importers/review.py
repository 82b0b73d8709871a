"""How often a policy is reviewed: "3 Years", "annually", "biennially",
"every 18 months", "termly", "no less frequently than every two years".

Two readings that a person might dispute, decided here:
- "bi-annually" and "biannually" are read as every two years (24 months).
  Dictionaries give "biannual" as twice a year, but in English schools'
  policies both spellings almost always mean every two years (the usual
  statutory cycle), and a policy reviewed twice a year is written "twice a
  year" or "six-monthly", which read as 6. The correction form shows the
  number, so the rare other meaning is put right there.
- "termly" is 4 months: three terms make a school year.  "Half-termly" is 2."""

from __future__ import annotations

import re

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "twenty four": 24,
    "thirty-six": 36, "thirty six": 36,
}
_AMOUNT = (
    r"(\d{1,2}|twenty[- ]four|thirty[- ]six|eighteen|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(years?|yrs?|months?|mths?|mnths?)"
# "every 2-3 years", "every two to three years": the shorter period, so a reminder is early rather than late.
_OR_MORE = r"(?:\s*(?:-|–|to|or)\s*(?:\d{1,2}|[a-z]+))?"
_ORDINALS = {"other": 24, "second": 24, "third": 36, "fourth": 48, "fifth": 60}

# Said in words, without a number. Order matters only for "half-termly"
# before "termly"; otherwise the earliest in the text wins.
_WORDS = [
    (r"half[- ]?termly|every half[- ]?term|each half[- ]?term", 2),
    (r"termly|every term|each term|once a term|once per term|per term", 4),
    (r"annual(?:ly)?|yearly|once a year|per year|per annum"
     r"|(?:every|each|once an?)\s+(?:academic |school |financial |calendar )?year(?!\s+group)", 12),
    (r"bi-?ennial(?:ly)?|bi-?annual(?:ly)?|bi-?yearly|two-yearly", 24),
    (r"tri-?ennial(?:ly)?|tri-?annual(?:ly)?|three-yearly", 36),
    (r"six[- ]monthly|half[- ]yearly|twice a year|twice yearly|twice per year|every half[- ]year", 6),
    (r"quarterly|every quarter|each quarter", 3),
]
_WORDS_RE = [(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), months) for pattern, months in _WORDS]
_EVERY_NTH = re.compile(r"\bevery\s+(other|second|third|fourth|fifth)\s+(?:academic\s+|school\s+)?year\b", re.I)

# A number and a unit joined to a word that makes it a frequency: "every two
# years", "3-yearly", "a three-year cycle", "on a 2 year basis", "24 months".
_HOW_OFTEN = re.compile(
    rf"\b(?:(?:once\s+)?every|each|at\s+(?:least\s+)?every)\s+{_AMOUNT}{_OR_MORE}\s*(?:\(\d{{1,2}}\)\s*)?[- ]?{_UNIT}\b"
    rf"|\b{_AMOUNT}\s*(?:\(\d{{1,2}}\)\s*)?[- ]?(year|month)ly\b"
    rf"|\b{_AMOUNT}\s*(?:\(\d{{1,2}}\)\s*)?[- ]?{_UNIT}\s+(?:review\s+)?(?:cycle|basis|period|intervals?|rolling)\b"
    rf"|\bintervals?\s+of\s+{_AMOUNT}\s*[- ]?{_UNIT}\b"
    rf"|\bin\s+{_AMOUNT}\s*{_UNIT}(?:['’]s?)?\s+time\b",
    re.IGNORECASE,
)
# The bare amount a "Review cycle" field holds: "3 Years", "24 months".
_BARE = re.compile(rf"\b{_AMOUNT}\s*(?:\(\d{{1,2}}\)\s*)?[- ]?{_UNIT}\b", re.IGNORECASE)
# A sentence about reviewing this document rather than something it covers
# (risk assessments, a pupil's plan).
_ABOUT_THE_POLICY = re.compile(
    r"\bpolic(?:y|ies)\b|\b(?:this|the|our)\s+(?:\w+\s+){0,3}?(?:document|procedures?|guidance|statement|protocol"
    r"|agreement|code|charter|framework|strategy)\b",
    re.IGNORECASE,
)


def cycle_months(text: str | None) -> int | None:
    """A review period stated on its own, as in a "Review Cycle" field
    ("3 Years", "Annually", "every 18 months"). The first stated wins."""
    if not text:
        return None
    return _stated(text) or _first_bare(text)


def clause_months(sentences: list[str]) -> int | None:
    """A review period stated in running text: a sentence about reviewing
    that says how often ("This policy will be reviewed by the governing body
    every two years, or sooner if legislation changes"). A sentence about
    reviewing this policy wins over one about reviewing something else, and
    a bare period ("staff leave after one year") is not a frequency."""
    about_reviews = [s for s in sentences if re.search(r"\breview", s, re.IGNORECASE)]
    ranked = [s for s in about_reviews if is_about_the_policy(s)]
    ranked += [s for s in about_reviews if s not in ranked]
    for sentence in ranked:
        months = _stated(sentence)
        if months:
            return months
    return None


def is_about_the_policy(sentence: str) -> bool:
    """Whether a sentence speaks of the document itself ("This procedure is
    reviewed every three years") rather than of something it covers."""
    return bool(_ABOUT_THE_POLICY.search(sentence))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


def _stated(text: str) -> int | None:
    """The first frequency said as a frequency: in words, or a number and a
    unit tied to "every", "-yearly", "cycle" and the like."""
    found: list[tuple[int, int]] = []  # (where, months)
    for pattern, months in _WORDS_RE:
        match = pattern.search(text)
        if match:
            found.append((match.start(), months))
    nth = _EVERY_NTH.search(text)
    if nth:
        found.append((nth.start(), _ORDINALS[nth.group(1).lower()]))
    for match in _HOW_OFTEN.finditer(text):
        months = _months(*[g for g in match.groups() if g])
        if months:
            found.append((match.start(), months))
            break
    return min(found, key=lambda hit: hit[0])[1] if found else None


def _first_bare(text: str) -> int | None:
    for match in _BARE.finditer(text):
        months = _months(match.group(1), match.group(2))
        if months:
            return months
    return None


def _months(amount: str, unit: str) -> int | None:
    amount = amount.lower().replace(" ", "-")
    number = int(amount) if amount.isdigit() else _NUMBERS.get(amount) or _NUMBERS.get(amount.replace("-", " "))
    if not number:
        return None
    return number * 12 if unit.lower().startswith("y") else number
