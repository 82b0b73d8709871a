"""The statutory checklist: for each school (and the trust), each item the
DfE's list requires of it, and whether a policy meets it. Every answer takes
`today`, so a test can move the calendar on."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models

from adoptions.models import Adoption
from people.models import Organisation
from policies.models import Committee, Policy, PolicyVersion
from statutory.models import StatutoryItem

# How close a review date must be for the checklist to say "due for review".
DUE_WITHIN_DAYS = getattr(settings, "STATUTORY_DUE_WITHIN_DAYS", 60)


class Status(models.TextChoices):
    MET = "met", "Met"
    DUE = "due", "Due for review"
    OVERDUE = "overdue", "Overdue"
    WRONG_BODY = "wrong_body", "Approved by the wrong body"
    MISSING = "missing", "Missing"


# When several policies are tagged with an item, the checklist shows the best.
_RANK = {Status.MET: 0, Status.DUE: 1, Status.OVERDUE: 2, Status.WRONG_BODY: 3, Status.MISSING: 4}
BODY_NAMES = dict(Committee.Body.choices)


@dataclass(frozen=True)
class Approval:
    """One approval of a policy that may count for an item: the version's
    committee, or (at a school) the school's adoption of a trust policy."""

    body: str | None
    by: str
    on: datetime.date | None
    next_review_on: datetime.date | None


@dataclass
class Row:
    organisation: Organisation
    item: StatutoryItem
    status: str
    policy: Policy | None = None
    approval: Approval | None = None
    review_by: datetime.date | None = None
    detail: str = ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass
class OrganisationChecklist:
    organisation: Organisation
    rows: list[Row]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        return sum(n for status, n in self.counts.items() if status != Status.MET)


def applies_to(item: StatutoryItem, organisation: Organisation) -> bool:
    code = "trust" if organisation.is_trust else organisation.school_type
    return code in item.applies_to


def needed_bodies(item: StatutoryItem) -> str:
    return " or ".join(BODY_NAMES.get(code, code).lower() for code in item.approver_bodies)


def judge(item: StatutoryItem, approval: Approval, *, today: datetime.date,
          due_within_days: int = DUE_WITHIN_DAYS) -> tuple[str, datetime.date | None, str]:
    """Status, review date and the words that explain them, for one approval."""
    if item.approver_bodies and approval.body not in item.approver_bodies:
        return (Status.WRONG_BODY, None,
                f"Approved by {approval.by}; needs the {needed_bodies(item)}.")
    dates = [approval.next_review_on] if approval.next_review_on else []
    if item.review_months and approval.on:
        dates.append(approval.on + relativedelta(months=item.review_months))
    review_by = min(dates) if dates else None
    if review_by is None:
        return Status.MET, None, f"Approved by {approval.by}."
    if review_by < today:
        return Status.OVERDUE, review_by, f"Review was due by {review_by:%-d %B %Y}."
    if review_by <= today + datetime.timedelta(days=due_within_days):
        return Status.DUE, review_by, f"Review due by {review_by:%-d %B %Y}."
    return Status.MET, review_by, f"Approved by {approval.by}."


def checklist(organisations: list[Organisation], *, today: datetime.date,
              due_within_days: int = DUE_WITHIN_DAYS) -> list[OrganisationChecklist]:
    """The checklist for these organisations, in a fixed number of queries
    whatever the number of schools, items and policies."""
    items = list(StatutoryItem.objects.all())
    tags = defaultdict(set)
    for item_id, policy_id in StatutoryItem.policies.through.objects.values_list("statutoryitem_id", "policy_id"):
        tags[item_id].add(policy_id)
    owners = {org.pk for org in organisations} | {org.trust_id for org in organisations if org.trust_id}
    policies = {p.pk: p for p in Policy.objects.filter(
        pk__in={pid for ids in tags.values() for pid in ids}, organisation__in=owners,
        current_version__status=PolicyVersion.Status.PUBLISHED,
    ).select_related("current_version__committee", "organisation")}
    adopted = [pk for pk, p in policies.items() if p.organisation.is_trust]
    adoptions = {(a.school_id, a.policy_id): a for a in Adoption.objects.filter(
        school__in=[org for org in organisations if not org.is_trust], policy__in=adopted,
        status__in=Adoption.IN_FORCE_STATUSES).select_related("committee")} if adopted else {}
    result = []
    for org in organisations:
        rows = [_row(org, item, [policies[pid] for pid in sorted(tags[item.pk]) if pid in policies],
                     adoptions, today=today, due_within_days=due_within_days)
                for item in items if applies_to(item, org)]
        counts = dict.fromkeys(Status.values, 0)
        for row in rows:
            counts[row.status] += 1
        result.append(OrganisationChecklist(org, rows, counts))
    return result


def _row(org: Organisation, item: StatutoryItem, tagged: list[Policy], adoptions: dict, *,
         today: datetime.date, due_within_days: int) -> Row:
    best = Row(org, item, Status.MISSING, detail="No policy is tagged as meeting it.")
    # The school's own policies first, so a tie is won by the school's own.
    for policy in sorted(tagged, key=lambda p: p.organisation_id != org.pk):
        if policy.organisation_id not in (org.pk, org.trust_id):
            continue
        for approval in _approvals(org, policy, adoptions):
            status, review_by, detail = judge(item, approval, today=today, due_within_days=due_within_days)
            if _RANK[status] < _RANK[best.status]:
                best = Row(org, item, status, policy, approval, review_by, detail)
    return best


def _approvals(org: Organisation, policy: Policy, adoptions: dict) -> list[Approval]:
    version = policy.current_version
    committee = version.committee
    approvals = [Approval(
        body=committee.body if committee else None,
        by=committee.name if committee else (version.approved_by_text or "a body the portal does not know"),
        on=version.approved_on, next_review_on=policy.next_review_on or version.next_review_on,
    )]
    adoption = adoptions.get((org.pk, policy.pk))
    if adoption is not None:
        # A trust policy adopted by the school's local committee counts as
        # that committee's approval, from the day it adopted it.
        approvals.append(Approval(
            body=adoption.committee.body if adoption.committee else None,
            by=f"{adoption.committee.name if adoption.committee else org.name} (adopted)",
            on=adoption.adopted_on, next_review_on=policy.next_review_on or version.next_review_on,
        ))
    return approvals


def filtered(checklists: list[OrganisationChecklist], *, school: str = "", status: str = ""
             ) -> list[OrganisationChecklist]:
    """The page's and the CSV's filters: one organisation (by slug), one status."""
    shown = []
    for entry in checklists:
        if school and entry.organisation.slug != school:
            continue
        rows = [row for row in entry.rows if not status or row.status == status]
        shown.append(OrganisationChecklist(entry.organisation, rows, entry.counts))
    return shown


def dashboard_lines(checklists: list[OrganisationChecklist]) -> list[tuple[str, str]]:
    """("Riverside Academy: 2 statutory policies missing, 1 overdue", school slug)
    for each organisation with something to do."""
    lines = []
    for entry in checklists:
        parts = [(entry.counts[s], words) for s, words in (
            (Status.MISSING, "missing"), (Status.OVERDUE, "overdue"),
            (Status.WRONG_BODY, "approved by the wrong body"), (Status.DUE, "due for review"))
            if entry.counts[s]]
        if not parts:
            continue
        first_n, first_words = parts[0]
        noun = "statutory policy" if first_n == 1 else "statutory policies"
        words = [f"{first_n} {noun} {first_words}"] + [f"{n} {w}" for n, w in parts[1:]]
        lines.append((f"{entry.organisation.name}: {', '.join(words)}", entry.organisation.slug))
    return lines
