"""How often a policy is reviewed: "3 Years", "annually", "biennially",
"every 18 months", "no less frequently than every two years"."""

from __future__ import annotations

import re

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "twenty four": 24,
    "thirty-six": 36, "thirty six": 36,
}
_AMOUNT = r"(\d{1,2}|twenty[- ]four|thirty[- ]six|[a-z]+)"
_PERIOD = re.compile(rf"\b{_AMOUNT}\s*(?:\(\d{{1,2}}\)\s*)?[- ]?(year|month)(?:s|ly)?\b", re.IGNORECASE)
_WORDS = [
    (re.compile(r"\b(?:annual(?:ly)?|yearly|every year|each year|once a year|per year|per annum)\b", re.I), 12),
    (re.compile(r"\b(?:biennial(?:ly)?|bi-annual(?:ly)?|every other year|every second year)\b", re.I), 24),
    (re.compile(r"\b(?:triennial(?:ly)?|every third year)\b", re.I), 36),
    (re.compile(r"\b(?:six[- ]monthly|half[- ]yearly|twice a year)\b", re.I), 6),
]
# "Bi-annual" is ambiguous in British usage (twice a year or every two
# years); trusts almost always mean every two years for policy reviews.
_FREQUENCY = re.compile(
    r"\b(?:every|each|once|annual|annually|yearly|biennial|biennially|bi-annual|bi-annually|triennial|"
    r"triennially|per annum|(?:\d|two|three|four)[- ]year(?:ly)?\s+(?:cycle|basis)|\w+[- ]yearly)\b",
    re.IGNORECASE,
)


def cycle_months(text: str | None) -> int | None:
    """A review period stated on its own, as in a "Review Cycle" field."""
    if not text:
        return None
    found: list[tuple[int, int]] = []  # (where, months): the first stated period wins
    for pattern, months in _WORDS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), months))
    for match in _PERIOD.finditer(text):
        amount = match.group(1).lower()
        number = int(amount) if amount.isdigit() else _NUMBERS.get(amount)
        if number:
            found.append((match.start(), number * 12 if match.group(2).lower() == "year" else number))
            break
    return min(found)[1] if found else None


def clause_months(sentences: list[str]) -> int | None:
    """A review period stated in running text: a sentence about reviewing
    that says how often ("These reviews will be no less frequently than every
    two years"). Retention periods and the like have no "review" in them."""
    for sentence in sentences:
        if re.search(r"\breview", sentence, re.IGNORECASE) and _FREQUENCY.search(sentence):
            months = cycle_months(sentence[_FREQUENCY.search(sentence).start() :]) or cycle_months(sentence)
            if months:
                return months
    return None


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]
