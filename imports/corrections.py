"""What a person corrected on an import item, kept as plain JSON on the item
(`ImportItem.corrections`) so a reload, "Save and mark ready" and "Import all
that are ready" all save the same thing.

Both what was read (`as_read`) and what was corrected share one shape:

    {"title", "organisation" (id), "owner" (person id or None), "category",
     "review_cycle_months", "next_review_on" (ISO date or None),
     "related_policies": [...], "legislation": [...],
     "versions": [{"source" (row index in what was read, None for an added
                   row), "version", "approved_on", "approved_by", "reason", "author"}],
     "sign_off": {"nobody", "staff_groups", "new_starter_days", "new_version_days", "annual_from"}}
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.db.models import Q, QuerySet
from django.utils import timezone

from acknowledgements.usual_rules import usual_sign_off_rule
from people.models import Organisation, Person
from policies.importers import ParsedPolicy, ParsedVersion
from policies.importers.model import date_from_iso, iso_date
from policies.services import category_from_title

VERSION_FIELDS = ("version", "approved_on", "approved_by", "reason", "author")
# How a corrected version field is named in the audit entry.
VERSION_FIELD_NAMES = {"version": "number", "approved_on": "approved date", "approved_by": "approved by",
                       "reason": "reason", "author": "author"}
POLICY_FIELD_NAMES = [
    ("title", "title"), ("owner", "owner"), ("category", "category"), ("organisation", "school or trust"),
    ("review_cycle_months", "review cycle"), ("next_review_on", "next review"),
    ("related_policies", "related policies"), ("legislation", "legislation"),
]


def owner_candidates(organisation: Organisation, *, today: datetime.date | None = None) -> QuerySet[Person]:
    """Who may own a policy of the organisation: its people in post (a
    trust's own and its schools')."""
    return owner_candidates_in({organisation.pk}, today=today)


def owner_candidates_in(organisation_ids: set[int], *, today: datetime.date | None = None) -> QuerySet[Person]:
    """owner_candidates for several organisations at once (a school's id
    matches its own people, a trust's its own and its schools')."""
    today = today or timezone.localdate()
    return Person.objects.in_post(on=today).filter(
        Q(schools__in=organisation_ids) | Q(schools__trust__in=organisation_ids)).distinct()


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def owner_for(owner_text: str | None, people: list[Person]) -> Person | None:
    """The person the document's owner words name: a job title ("Head of
    IT") or a name, matched whole; else the one person whose job title
    contains the words. None when nobody or more than one fits."""
    wanted = _words(owner_text or "")
    if not wanted:
        return None
    exact = [p for p in people if wanted in (_words(p.job_title), _words(p.full_name))]
    if len(exact) == 1:
        return exact[0]
    partial = [p for p in people if p.job_title and (wanted in _words(p.job_title) or _words(p.job_title) in wanted)]
    return partial[0] if len(partial) == 1 else None


def as_read(parsed: ParsedPolicy, *, organisation: Organisation, owner: Person | None) -> dict:
    """The corrections shape filled with what the importer recognised and
    what the portal would choose by itself (owner, category, usual rule)."""
    category = category_from_title(parsed.title)
    rule = usual_sign_off_rule(organisation, category)
    return {
        "title": parsed.title,
        "organisation": organisation.pk,
        "owner": owner.pk if owner else None,
        "category": category,
        "review_cycle_months": parsed.review_cycle_months,
        "next_review_on": iso_date(parsed.next_review_on),
        "related_policies": list(parsed.related_policies),
        "legislation": list(parsed.legislation),
        "versions": [
            {"source": index, "version": row.version or "", "approved_on": iso_date(row.approved_on),
             "approved_by": row.approved_by or "", "reason": row.reason or "", "author": row.author or ""}
            for index, row in enumerate(parsed.versions)
        ],
        "sign_off": {"nobody": rule.nobody, "staff_groups": list(rule.staff_groups),
                     "new_starter_days": rule.new_starter_days, "new_version_days": rule.new_version_days,
                     "annual_from": None},
    }


def describe(read: dict, corrected: dict) -> list[str]:
    """What differs from what was read, in the words of the audit entry:
    "title", "version 2.0 approved date", "version 3.0 added"…"""
    changed = [name for key, name in POLICY_FIELD_NAMES if read.get(key) != corrected.get(key)]
    kept = {row["source"] for row in corrected["versions"] if row.get("source") is not None}
    for index, row in enumerate(read["versions"]):
        if index not in kept:
            changed.append(f"version {row['version'] or index + 1} removed")
    for row in corrected["versions"]:
        source = row.get("source")
        if source is None or not 0 <= source < len(read["versions"]):
            changed.append(f"version {row['version']} added")
            continue
        before = read["versions"][source]
        label = before["version"] or row["version"]
        changed += [f"version {label} {VERSION_FIELD_NAMES[name]}" for name in VERSION_FIELDS
                    if (before[name] or "") != (row[name] or "")]
    return changed


def corrected_policy(parsed: ParsedPolicy, corrections: dict) -> ParsedPolicy:
    """The document as the person corrected it. Words the document used are
    kept where the person left the date they stood for unchanged."""
    rows = []
    for row in corrections["versions"]:
        source = row.get("source")
        original = parsed.versions[source] if source is not None and 0 <= source < len(parsed.versions) else None
        approved_on = date_from_iso(row["approved_on"])
        if original is not None and original.approved_on == approved_on:
            approved = original.approved
        else:
            approved = f"{approved_on:%-d %B %Y}" if approved_on else None
        rows.append(ParsedVersion(
            version=row["version"] or None, approved=approved, approved_on=approved_on,
            approved_by=row["approved_by"] or None, reason=row["reason"] or None, author=row["author"] or None,
            next_review=original.next_review if original is not None else None,
        ))
    next_review_on = date_from_iso(corrections["next_review_on"])
    if next_review_on == parsed.next_review_on:
        next_review = parsed.next_review
    else:
        next_review = f"{next_review_on:%-d %B %Y}" if next_review_on else None
    return dataclasses.replace(
        parsed, title=corrections["title"], versions=rows, review_cycle_months=corrections["review_cycle_months"],
        next_review=next_review, next_review_on=next_review_on,
        related_policies=list(corrections["related_policies"]), legislation=list(corrections["legislation"]),
    )
