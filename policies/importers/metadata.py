"""Document details written as key/value pairs ("Version<tab>2", "Review
Date: March 2024", a two-column Word table) and approval lines ("Approved by
Trust Board:" then "September 2024 - September 2026")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.importers.blocks import strip_bold
from policies.importers.dates import find_dates, has_date, split_date_and_body
from policies.importers.review import cycle_months
from policies.importers.versions import make_version

_RANGE = re.compile(r"^\s*(?:-|–|—|to|until|till)\s*$", re.IGNORECASE)
_APPROVAL = re.compile(r"^(?:date\s+)?(?:approved|ratified|adopted|agreed)\s+by\s+(?:the\s+)?", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z /&'()-]{1,40}?)\s*(?::|\t+|\s{3,})\s*(?P<value>\S.*)$")


def field_of(key: str) -> str | None:
    """Which detail a key names: "Last Approved Date" -> "approved",
    "Review Cycle" -> "cycle", "Date Published" -> "published"."""
    k = re.sub(r"[^a-z ]+", " ", strip_bold(key).lower())
    k = re.sub(r"\s+", " ", k).strip()
    if not k or len(k.split()) > 6:
        return None
    if re.fullmatch(r"(?:policy |document |current )?(?:version|ver|issue)(?: (?:no|number|num))?", k):
        return "version"
    if re.search(r"\breview\b", k):
        if re.search(r"\b(?:cycle|frequency|period|interval)\b", k):
            return "cycle"
        if re.search(r"\b(?:next|date|due|by)\b", k) and not re.search(r"\blast\b", k):
            return "next_review"
        return None
    if re.search(r"\b(?:renewal|expiry) date\b|\bto be reviewed\b|\bdue for review\b", k):
        return "next_review"
    if re.search(r"publish|\b(?:first issued|date of issue|issue date|original issue)\b", k):
        return "published"
    if re.search(r"approv|ratif|adopt", k):
        if re.search(r"\b(?:by|body|committee)\b", k) and "date" not in k:
            return "approved_by"
        return "approved"
    if re.search(r"\b(?:author|owner|written by|lead|responsible)\b", k):
        return "author"
    if re.search(r"\b(?:committee|approving body)\b", k):
        return "approved_by"
    if re.search(r"\b(?:reason|summary of changes)\b", k):
        return "reason"
    return None


def value_fits(field_name: str, value: str) -> bool:
    """A body sentence that happens to start "Review date:" is not metadata."""
    value = strip_bold(value).strip()
    if not value or len(value) > 80:
        return False
    if field_name == "version":
        return bool(re.fullmatch(r"(?:v(?:ersion)?\.?\s*)?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?(?:\s*\(?draft\)?)?", value,
                                 re.IGNORECASE))
    if field_name in ("approved", "published", "next_review"):
        return has_date(value)
    if field_name == "cycle":
        return cycle_months(value) is not None
    return len(value.split()) <= 8


@dataclass
class Details:
    """What the key/value pairs and approval lines said, first mention winning."""

    values: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def add(self, field_name: str, value: str) -> None:
        self.values.setdefault(field_name, re.sub(r"\s+", " ", strip_bold(value)).strip())

    def pair(self, key: str, value: str) -> bool:
        """Record one key/value pair if the key is a known detail."""
        field_name = field_of(key)
        if field_name is None or not value_fits(field_name, value):
            return False
        if field_name == "approved_by" and has_date(value):
            date_text, who = split_date_and_body(value)
            if date_text:
                self.add("approved", date_text)
            if who:
                self.add("approved_by", who)
            return True
        if field_name == "approved":
            committee = re.search(r"\bby\s+(?:the\s+)?(.+)$", strip_bold(key), re.IGNORECASE)
            if committee:  # "Date approved by Trust Board: 12/03/2021"
                self.add("approved_by", committee.group(1).strip(" :"))
        self.add(field_name, value)
        return True

    def line(self, text: str) -> bool:
        """A paragraph such as "Review Date: March 2024" or "Version<tab>2"."""
        match = _KEY_VALUE.match(strip_bold(text))
        return bool(match) and self.pair(match.group("key"), match.group("value"))

    def table(self, rows: list[list[str]]) -> bool:
        """A table of key/value pairs, two or four cells to a row. It counts
        as details when most rows hold a known key with a fitting value."""
        known: list[tuple[str, str]] = []
        unknown: list[str] = []
        rows_without = 0
        for row in rows:
            cells = [c for c in row if c.strip()]
            pairs = [(cells[i], cells[i + 1]) for i in range(0, len(cells) - 1, 2)] if len(cells) % 2 == 0 else []
            good = [(k, v) for k, v in pairs if (f := field_of(k)) and value_fits(f, v)]
            known.extend(good)
            unknown.extend(f"{k}: {v}" for k, v in pairs if (k, v) not in good)
            if cells and not pairs:
                unknown.append(" ".join(cells))
            rows_without += not good
        if not known or rows_without > len(rows) / 2:
            return False
        for key, value in known:
            self.pair(key, value)
        self.unknown.extend(unknown)
        return True

    def approval(self, text: str, following: str | None) -> int:
        """An approval line, its dates either on it or on the next line:
        "Approved by Trust Board:" / "September 2024 - September 2026", or
        "Approved by the LGB on 12/03/2023". Returns how many lines it used."""
        line = strip_bold(text).strip()
        lead = _APPROVAL.match(line)
        if not lead or len(line) > 140:
            return 0
        rest, used = line[lead.end() :], 1
        dates = find_dates(rest)
        if dates:
            who, when = rest[: dates[0].start()], rest[dates[0].start() :]
        elif following is not None and len(following) < 80 and find_dates(following):
            who, when, used = rest, following.strip(), 2
        else:
            return 0
        who = re.sub(r"(?:\s+(?:on|in|at))?[\s:,;–—-]*$", "", who).strip()
        if not who or len(who.split()) > 8:
            return 0
        dates = find_dates(when)
        self.add("approved_by", who)
        self.add("approved", dates[0].group(0))
        between = when[dates[0].end() : dates[1].start()] if len(dates) > 1 else ""
        if len(dates) > 1 and (_RANGE.match(between) or re.search(r"review", between, re.IGNORECASE)):
            self.add("next_review", dates[1].group(0))
        return used

    def version(self):
        """One ParsedVersion when the details name a version or an approval."""
        if not (self.values.get("version") or self.values.get("approved")):
            return None
        return make_version({k: v for k, v in self.values.items()
                             if k in ("version", "approved", "approved_by", "reason", "author", "next_review")})
