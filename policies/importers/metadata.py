"""Document details written as key/value pairs ("Version<tab>2", "Review
Date: March 2024", a two-column Word table) and approval lines ("Approved by
Trust Board:" then "September 2024 - September 2026")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.importers.blocks import strip_bold
from policies.importers.dates import DATE_TEXT, find_dates, has_date, split_date_and_body
from policies.importers.review import cycle_months
from policies.importers.versions import make_version

_RANGE = re.compile(r"^\s*(?:-|–|—|to|until|till)\s*$", re.IGNORECASE)
_APPROVAL = re.compile(
    r"^(?:date\s+)?(?:re-?)?(?:approved|ratified|adopted|agreed)\s+by\s+(?:the\s+)?", re.IGNORECASE
)
_KEY = r"(?P<key>[A-Za-z][A-Za-z /&'().-]{1,40}?)"
_KEY_VALUE = re.compile(rf"^{_KEY}\s*(?::|\t+|\s{{3,}}|\s+[-–—]\s+)\s*(?P<value>\S.*)$")
# "Version 3.1", "Review date 12/03/2025": a key and a value with only a space
# between them, trusted only for values that have a shape (a number, a date).
_SPACED_FIELDS = ("version", "approved", "issued", "published", "next_review", "cycle")
# The words such a label is made of: "Date of next review", "Version no.".
_LABEL_WORDS = {
    "version", "ver", "no", "number", "issue", "issued", "date", "of", "next", "review", "reviewed", "approved",
    "approval", "ratified", "adopted", "re-adopted", "re-adoption", "adoption", "revised", "revision", "published",
    "first", "last", "every", "cycle", "frequency", "period", "due", "to", "be", "effective", "policy", "document",
    "current",
}
# Details a document states that the portal does not keep; in a details
# table or a key/value line they are left out of the body without a warning.
_IGNORED = re.compile(
    r"^(?:(?:date |last )?reviewed(?: by| on)?|date reviewed|last review(?: date)?|audience|applies to|"
    r"category|(?:policy )?type|statutory(?: policy)?|school|schools|trust|academy|classification|circulation|"
    r"location|website|published on (?:the )?website|signed|signature|status|approval level|level of approval|"
    r"scope|distribution)$",
    re.IGNORECASE,
)

# Who owns the policy. A named safeguarding lead or a reviewer is not the
# owner, and nor is the author: only owner-like labels fill it.
_OWNER = re.compile(
    r"\b(?:(?:policy |document )?owner|owned by|responsible (?:officer|person|lead|manager|member of staff)|"
    r"person responsible|(?:staff |policy )?responsibility|policy lead|lead (?:member of staff|person|officer)|"
    r"staff lead|responsible)\b"
)


def field_of(key: str) -> str | None:
    """Which detail a key names: "Last Approved Date" -> "approved",
    "Review Cycle" -> "cycle", "Date Published" -> "published",
    "Policy owner" -> "owner"."""
    k = re.sub(r"[^a-z ]+", " ", strip_bold(key).lower())
    k = re.sub(r"\s+", " ", k).strip()
    if not k or len(k.split()) > 6:
        return None
    if re.fullmatch(r"(?:policy |document |current )?(?:version|ver|issue|revision)(?: (?:no|number|num))?", k):
        return "version"
    if re.search(r"\breview(?:ed|s)?\b", k) and re.search(r"\b(?:cycle|frequency|period|interval|every)\b", k):
        return "cycle"
    if re.search(r"\breview\b", k):
        if re.search(r"\b(?:next|date|due|by)\b", k) and not re.search(r"\blast\b", k):
            return "next_review"
        return None
    if re.search(r"\b(?:renewal|expiry) date\b|\bto be reviewed\b|\bdue for review\b|\bnext reviewed?\b", k):
        return "next_review"
    if re.search(r"\b(?:revision|revised) date\b|\bdate (?:of )?(?:last )?(?:revised|revision)\b", k) or k == "revised":
        return "approved"
    if re.search(r"publish|\b(?:first issued|original issue|date first issued)\b", k):
        return "published"
    if re.fullmatch(r"(?:issue date|date of issue|date issued|issued|effective date|date effective)", k):
        return "issued"
    if re.search(r"approv|ratif|adopt|\bagreed\b", k):
        if re.search(r"\b(?:by|body|committee)\b", k) and "date" not in k:
            return "approved_by"
        return "approved"
    if _OWNER.search(k) or k == "lead":
        return "owner"
    if re.search(r"\b(?:author|written by|prepared by|drafted by)\b", k):
        return "author"
    if re.search(r"\b(?:committee|approving body)\b", k):
        return "approved_by"
    if re.search(r"\b(?:reason|summary of changes)\b", k):
        return "reason"
    if k == "status":
        return "status"
    return None


def value_fits(field_name: str, value: str) -> bool:
    """A body sentence that happens to start "Review date:" is not metadata."""
    value = strip_bold(value).strip()
    if not value or len(value) > 80:
        return False
    if field_name == "version":
        return bool(re.fullmatch(r"(?:v(?:ersion)?\.?\s*)?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?(?:\s*\(?draft\)?)?", value,
                                 re.IGNORECASE))
    if field_name in ("approved", "published", "next_review", "issued"):
        return has_date(value)
    if field_name == "cycle":
        return cycle_months(value) is not None
    if field_name == "status":
        return approval_parts(value) is not None
    if field_name == "owner":  # a role or a name, not a sentence of duties (a roles table)
        return len(value.split()) <= 8 and not value.endswith((".", ";"))
    return len(value.split()) <= 8


def approval_parts(line: str, following: str | None = None) -> tuple[str, str, int] | None:
    """(who, when, lines used) for an approval line: "Approved by the LGB on
    12/03/2023", or "Approved by Trust Board:" with the dates on the next line."""
    line = strip_bold(line).strip()
    lead = _APPROVAL.match(line)
    if not lead or len(line) > 140:
        return None
    rest, used = line[lead.end() :], 1
    dates = find_dates(rest)
    if dates:
        who, when = rest[: dates[0].start()], rest[dates[0].start() :]
    elif following is not None and len(following) < 80 and find_dates(following):
        who, when, used = rest, following.strip(), 2
    else:
        return None
    who = re.sub(r"(?:\s+(?:on|in|at))?[\s:,;–—-]*$", "", who).strip()
    if not who or len(who.split()) > 8:
        return None
    return who, when, used


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
        if field_name == "status":  # "Status: Approved by the Trust Board on 12 March 2025"
            who, when, _ = approval_parts(value)
            self._approved(who, when)
            return True
        committee = re.search(r"\bby\s+(?:the\s+)?(.+?)(?:\s+(?:on|in|at))?\s*:?$", strip_bold(key), re.IGNORECASE)
        if field_name == "approved_by" and has_date(value):
            date_text, who = split_date_and_body(value)
            if date_text:
                self.add("approved", date_text)
            who = who or (committee.group(1) if committee else None)  # "Adopted by governors on: 12/03/2025"
            if who:
                self.add("approved_by", who)
            return True
        if field_name == "approved" and committee:  # "Date approved by Trust Board: 12/03/2021"
            self.add("approved_by", committee.group(1).strip(" :"))
        self.add(field_name, value)
        return True

    def line(self, text: str) -> bool:
        """A paragraph such as "Review Date: March 2024", "Version<tab>2",
        "Owner - Head of IT" or "Version 3.1"."""
        text = strip_bold(text)
        match = _KEY_VALUE.match(text)
        if match and self.pair(match.group("key"), match.group("value")):
            return True
        if match and _IGNORED.match(match.group("key").strip()) and len(match.group("value").split()) <= 12:
            return True
        parts = re.split(r"\s+\|\s+", text)
        if len(parts) > 1:  # "Version 3.1 | Review date: March 2026", as footers write it
            read = [self.line(part) for part in parts]  # every part is read, even after one is not
            return all(read)
        words = text.split(" ")
        if len(words) > 10:
            return False  # a sentence ("Approved at the meeting in May 2024 by…"), not a label and its value
        for cut in range(min(len(words) - 1, 5), 0, -1):
            key, value = " ".join(words[:cut]), " ".join(words[cut:])
            field_name = field_of(key)
            if field_name in _SPACED_FIELDS and all(word.lower().strip(".:") in _LABEL_WORDS for word in key.split()):
                starts_with_date = bool(re.match(rf"(?:{DATE_TEXT.pattern})|(?:19|20)\d{{2}}\b", value, re.IGNORECASE))
                if field_name in ("approved", "issued", "published", "next_review") and not starts_with_date:
                    return False
                return self.pair(key, value)
        return False
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
            ignored = [(k, v) for k, v in pairs if (k, v) not in good and _IGNORED.match(strip_bold(k).strip(" :"))]
            known.extend(good)
            unknown.extend(f"{k}: {v}" for k, v in pairs if (k, v) not in good and (k, v) not in ignored)
            good = good + ignored
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
        parts = approval_parts(text, following)
        if parts is None:
            return 0
        who, when, used = parts
        self._approved(who, when)
        return used

    def _approved(self, who: str, when: str) -> None:
        dates = find_dates(when)
        self.add("approved_by", who)
        if not dates:
            return
        self.add("approved", dates[0].group(0))
        between = when[dates[0].end() : dates[1].start()] if len(dates) > 1 else ""
        if len(dates) > 1 and (_RANGE.match(between) or re.search(r"review", between, re.IGNORECASE)):
            self.add("next_review", dates[1].group(0))

    def version(self):
        """One ParsedVersion when the details name a version or an approval."""
        values = dict(self.values)
        if "issued" in values:
            values.setdefault("approved", values["issued"])  # the date this version was issued
        if not (values.get("version") or values.get("approved")):
            return None
        return make_version({k: v for k, v in values.items()
                             if k in ("version", "approved", "approved_by", "reason", "author", "next_review")})
