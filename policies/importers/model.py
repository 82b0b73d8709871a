"""What the importer recognised in one document."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field


class DocumentError(Exception):
    """A document that cannot be read: str() names the file and the reason."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass
class ParsedVersion:
    version: str | None
    approved: str | None
    approved_on: datetime.date | None
    approved_by: str | None
    reason: str | None
    author: str | None
    next_review: str | None


@dataclass
class ParsedSection:
    number: str | None
    heading: str
    level: int


@dataclass
class ParsedPolicy:
    filename: str
    title: str
    versions: list[ParsedVersion] = field(default_factory=list)
    review_cycle_months: int | None = None
    next_review: str | None = None
    next_review_on: datetime.date | None = None
    first_published: str | None = None
    related_policies: list[str] = field(default_factory=list)
    legislation: list[str] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    body_markdown: str = ""
    warnings: list[str] = field(default_factory=list)
    # Who owns the policy, as the document words it ("Head of IT").
    owner: str | None = None
    # Fields recognised with low confidence, highlighted on the correction
    # form: "title", "owner", "next_review", "review_cycle", "versions.N.approved"…
    uncertain: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "file": self.filename,
            "title": self.title,
            "versions": [
                {
                    "version": v.version,
                    "approved": v.approved,
                    "approved_on": v.approved_on.isoformat() if v.approved_on else None,
                    "approved_by": v.approved_by,
                    "reason": v.reason,
                    "author": v.author,
                    "next_review": v.next_review,
                }
                for v in self.versions
            ],
            "review_cycle_months": self.review_cycle_months,
            "next_review": self.next_review,
            "related_policies": list(self.related_policies),
            "legislation": list(self.legislation),
            "sections": [{"number": s.number, "heading": s.heading} for s in self.sections if s.level == 1],
            "owner": self.owner,
            "warnings": list(self.warnings),
            "uncertain": list(self.uncertain),
        }

    def to_dict(self) -> dict:
        """Everything, dates as ISO strings: what an import item stores."""
        data = dataclasses.asdict(self)
        data["next_review_on"] = iso_date(self.next_review_on)
        for row in data["versions"]:
            row["approved_on"] = iso_date(row["approved_on"])
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ParsedPolicy:
        data = dict(data)
        data["next_review_on"] = date_from_iso(data.get("next_review_on"))
        data["versions"] = [
            ParsedVersion(**{**row, "approved_on": date_from_iso(row.get("approved_on"))})
            for row in data.get("versions", [])
        ]
        data["sections"] = [ParsedSection(**section) for section in data.get("sections", [])]
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def date_from_iso(value: str | datetime.date | None) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)
