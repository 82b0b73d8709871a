"""Changes to the policy library. Each public function is one transaction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from people.models import Organisation
from policies import events
from policies.importers import ParsedPolicy, ParsedVersion
from policies.models import Committee, Legislation, Policy, PolicyVersion, RelatedPolicyName, version_sort_key
from policies.models import content_hash as hash_of


@dataclass
class ImportOutcome:
    """What importing one document did (or, in a dry run, would do)."""

    title: str
    policy: Policy | None = None
    created_policy: bool = False
    versions_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created_policy or bool(self.versions_added)

    def summary(self) -> str:
        if self.created_policy:
            return f"{self.title}: new policy, versions {', '.join(self.versions_added)}"
        if self.versions_added:
            return f"{self.title}: added version {', '.join(self.versions_added)}"
        return f"{self.title}: unchanged"


class DryRunRollback(Exception):
    """Raised inside the transaction to discard a dry run's writes."""


def import_policy_document(
    parsed: ParsedPolicy, *, organisation: Organisation, dry_run: bool = False
) -> ImportOutcome:
    """Add the document to the library: a new policy, a new version of an
    existing one (matched by title within the organisation), or nothing when
    the text is unchanged. All or nothing."""
    outcome = ImportOutcome(title=parsed.title)
    try:
        with transaction.atomic():
            _import(parsed, organisation=organisation, outcome=outcome)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        outcome.policy = None
    return outcome


def _import(parsed: ParsedPolicy, *, organisation: Organisation, outcome: ImportOutcome) -> None:
    policy = Policy.objects.select_for_update().filter(organisation=organisation, title__iexact=parsed.title).first()
    if policy is None:
        policy = Policy.objects.create(
            organisation=organisation,
            title=parsed.title,
            slug=unique_policy_slug(parsed.title, organisation),
            category=category_from_title(parsed.title),
            review_cycle_months=parsed.review_cycle_months,
        )
        outcome.created_policy = True
    elif parsed.review_cycle_months and policy.review_cycle_months != parsed.review_cycle_months:
        policy.review_cycle_months = parsed.review_cycle_months
        policy.save(update_fields=["review_cycle_months", "updated_at"])
    outcome.policy = policy
    add_legislation(policy, parsed.legislation)
    add_related_names(policy, parsed.related_policies)
    _import_versions(policy, parsed, outcome)


def _import_versions(policy: Policy, parsed: ParsedPolicy, outcome: ImportOutcome) -> None:
    rows = sorted(parsed.versions, key=lambda v: version_sort_key(v.version or ""))
    newest = rows.pop() if rows else ParsedVersion(None, None, None, None, None, None, parsed.next_review)
    existing = {v.label: v for v in policy.versions.all()}
    for row in rows:  # earlier rows of the version table: their text is not in the document
        if row.version and row.version not in existing:
            _create_version(policy, row, body="", status=PolicyVersion.Status.SUPERSEDED, source=parsed.filename)
            outcome.versions_added.append(row.version)

    current = policy.current_version
    if current is not None and current.content_hash == hash_of(parsed.body_markdown):
        return
    label = newest.version or ("1.0" if not existing else None)
    if label is None or label in existing:
        outcome.notes.append(
            f"The text differs from version {current.label if current else label} but the document "
            "gives no new version number, so it is recorded as the next minor version."
        )
        label = next_minor_label(policy)
    elif not newest.version:
        outcome.notes.append("The document gives no version number; it is recorded as version 1.0.")
    row = ParsedVersion(label, newest.approved, newest.approved_on, newest.approved_by,
                        newest.reason or f"Imported from {parsed.filename}", newest.author, newest.next_review)
    version = _create_version(policy, row, body=parsed.body_markdown, status=PolicyVersion.Status.APPROVED,
                              source=parsed.filename, next_review_on=parsed.next_review_on)
    publish_version(version, on=version.effective_on)
    outcome.versions_added.append(label)


def _create_version(
    policy: Policy, row: ParsedVersion, *, body: str, status: str, source: str,
    next_review_on: datetime.date | None = None,
) -> PolicyVersion:
    committee = find_committee(row.approved_by, policy.organisation)
    return PolicyVersion.objects.create(
        policy=policy,
        label=row.version,
        is_major=version_sort_key(row.version)[1] == 0,
        status=status,
        body=body,
        reason=(row.reason or "")[:500],
        author=(row.author or "")[:200],
        approved_on=row.approved_on,
        effective_on=row.approved_on,
        approved_text=(row.approved or "")[:100],
        committee=committee,
        approved_by_text="" if committee else (row.approved_by or "")[:200],
        next_review_on=next_review_on,
        next_review_text=(row.next_review or "")[:100],
        source_filename=source[:255],
    )


def publish_version(version: PolicyVersion, *, on: datetime.date | None = None) -> PolicyVersion:
    """Make the version the one staff read, superseding the one before on the
    same day."""
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=version.policy_id)
        previous = policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).exclude(pk=version.pk).first()
        if previous is not None:
            previous.status = PolicyVersion.Status.SUPERSEDED
            previous.superseded_on = on or timezone.localdate()
            previous.save()
        version.status = PolicyVersion.Status.PUBLISHED
        version.save()
        policy.current_version = version
        policy.next_review_on = version.next_review_on
        if version.review_cycle_months:
            policy.review_cycle_months = version.review_cycle_months
        if version.audiences:
            policy.audiences = version.audiences
        policy.save(update_fields=["current_version", "next_review_on", "review_cycle_months", "audiences",
                                   "updated_at"])
        events.version_published.send(sender=PolicyVersion, version=version, previous=previous)
    return version


def next_minor_label(policy: Policy) -> str:
    labels = policy.versions.values_list("label", flat=True)
    major, minor = max((version_sort_key(label) for label in labels), default=(1, -1))
    return f"{major}.{minor + 1}"


def unique_policy_slug(title: str, organisation: Organisation) -> str:
    base = slugify(re.sub(r"\bpolicy\b", "", title, flags=re.IGNORECASE)) or slugify(title) or "policy"
    if not organisation.is_trust:
        base = f"{organisation.slug}-{base}"
    slug, n = base[:110], 2
    while Policy.objects.filter(slug=slug).exists():
        slug, n = f"{base[:105]}-{n}", n + 1
    return slug


def find_committee(approved_by: str | None, organisation: Organisation) -> Committee | None:
    if not approved_by:
        return None
    trust = organisation.the_trust
    name = approved_by.strip()
    return (
        Committee.objects.filter(organisation__in=[organisation, trust])
        .filter(Q(name__iexact=name) | Q(short_name__iexact=name) | Q(slug=slugify(name)))
        .first()
    )


def add_legislation(policy: Policy, names: list[str]) -> None:
    for name in names:
        law, _ = Legislation.objects.get_or_create(name=name[:300])
        policy.legislation.add(law)


def add_related_names(policy: Policy, names: list[str]) -> None:
    """Link the related policies the library holds; remember the others by name."""
    for name in names:
        match = Policy.objects.filter(title__iexact=name).exclude(pk=policy.pk).first()
        if match is not None:
            policy.related.add(match)
        else:
            RelatedPolicyName.objects.get_or_create(policy=policy, name=name[:300])


_CATEGORY_WORDS = [
    (r"safeguard\w*|child protection|prevent", "safeguarding"),
    (r"data protection|gdpr|privacy|freedom of information|records management|cctv", "data_protection"),
    (r"e-?mail|electronic|acceptable use|online|internet|it|ict|cyber\w*|social media", "it"),
    (r"conduct|whistleblowing|disciplinary|grievance|capability|absence|recruitment|pay", "hr"),
    (r"health|safety|first aid|medical|fire", "health_and_safety"),
    (r"finance|financial|charging|procurement|expenses", "finance"),
    (r"behaviour|curriculum|send|attendance|admissions|anti-bullying|intimate care", "curriculum"),
]


def category_from_title(title: str) -> str:
    """A starting category from the title's words; the owner corrects it in
    the admin. Governance when nothing fits."""
    lowered = title.lower()
    for pattern, category in _CATEGORY_WORDS:
        if re.search(rf"\b(?:{pattern})\b", lowered):
            return category
    return "governance"
