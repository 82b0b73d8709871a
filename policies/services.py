"""Changes to the policy library. Each public function is one transaction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from people.models import Organisation, Person, User
from people.selectors import person_for_user
from policies import events
from policies.importers import ParsedPolicy, ParsedVersion
from policies.models import Legislation, Policy, PolicyVersion, RelatedPolicyName, version_sort_key
from policies.models import content_hash as hash_of
from policies.quiz import normalised_quiz

# Imported rows record what the document claims; the portal did not see the
# decision, so they never point at a real Committee (the document's words are
# kept in approved_by_text) and are marked IMPORTED wherever they are shown.
IMPORTED_HISTORY_REASON = "Imported by {who}: version history as stated in the document"
IMPORTED_DRAFT_REASON = "Imported as a draft by {who}"
NOTE_DRAFT = (
    "Version {label} is newer than the library's; it is saved as a draft, with no approval, "
    "for the owner to send to the committee."
)
NOTE_FIRST_IMPORT_DRAFT = (
    "Only an administrator or a governance lead can import a policy's history as approved; "
    "version {label} is saved as a draft for approval, and the document's older rows are left out."
)
NOTE_NEWER_ROW_SKIPPED = (
    "Version {label} in the version table is newer than the library's current version but is not "
    "the document's text, so it is left out."
)
NOTE_OPEN_DRAFT = "The policy already has an open draft ({label}); finish or withdraw it before importing a new one."
NOTE_ALREADY_HELD = "Version {label} is already in the library; its text is not changed by importing."
NOTE_SETTINGS_KEPT = (
    "“{title}” is already in the library: its owner and category stay as they are; change them on the policy."
)
# Added to every change reason an import writes from a person's correction
# form, so the timeline says which document it was and what they corrected.
IMPORTED_FROM = "Imported from {file}"
IMPORTED_FROM_CORRECTED = "Imported from {file}, corrected: {fields}"
_CHANGE_REASON_LENGTH = 1000  # a change reason is a sentence, not an essay


@dataclass
class ImportOutcome:
    """What importing one document did (or, in a dry run, would do)."""

    title: str
    policy: Policy | None = None
    created_policy: bool = False
    versions_added: list[str] = field(default_factory=list)
    drafted: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created_policy or bool(self.versions_added) or self.drafted is not None

    def summary(self) -> str:
        added = ", ".join(self.versions_added)
        draft = f"draft {self.drafted} for approval" if self.drafted else ""
        if self.created_policy:
            parts = [f"versions {added}" if added else "", draft]
            return f"{self.title}: new policy, {' and '.join(p for p in parts if p)}"
        if self.versions_added or self.drafted:
            parts = [f"added version {added}" if added else "", draft]
            return f"{self.title}: {' and '.join(p for p in parts if p)}"
        return f"{self.title}: unchanged"


@dataclass(frozen=True)
class _Importer:
    """Who is importing: the audit timeline names them, and only an
    administrator or governance lead may publish a first import's history."""

    user: User | None
    may_import_history: bool
    note: str = ""
    # A dry run decides everything a real import does but writes no rows, so
    # the preview costs the same few queries however long the version table.
    dry_run: bool = False

    @property
    def name(self) -> str:
        if self.user is None:
            return "an administrator (command line)"
        return str(self.person) if self.person is not None else self.user.email

    @property
    def person(self) -> Person | None:
        return person_for_user(self.user) if self.user is not None else None

    def reason(self, template: str) -> str:
        reason = template.format(who=self.name)
        if self.note:
            reason = f"{reason}. {self.note}"
        return reason[:_CHANGE_REASON_LENGTH]


class DryRunRollback(Exception):
    """Raised inside the transaction to discard a dry run's writes."""


def import_policy_document(
    parsed: ParsedPolicy, *, organisation: Organisation, by: User | None, may_import_history: bool,
    dry_run: bool = False, owner: Person | None = None, category: str | None = None,
    corrected: list[str] | None = None,
) -> ImportOutcome:
    """Add the document to the library as history, never as a fresh approval.

    Versions older than the library's current one are kept as historical rows
    marked imported; the document's text, when newer, arrives as a draft that
    goes through approval. Only when the policy has no current version and
    `may_import_history` (an administrator or governance lead) is the
    document's newest version published, marked "approval as stated in the
    document". `by` is None only for the operator's command line. All or
    nothing.

    From a correction form: `owner` and `category` are a new policy's (the
    owner only where the importer may import history: anyone else's draft is
    their own to send for approval); `corrected` names what the person
    changed from what was read, and every change reason then says "Imported
    from FILE[, corrected: …]"."""
    outcome = ImportOutcome(title=parsed.title)
    note = ""
    if corrected is not None:
        note = (IMPORTED_FROM_CORRECTED.format(file=parsed.filename, fields=", ".join(corrected)) if corrected
                else IMPORTED_FROM.format(file=parsed.filename))
    importer = _Importer(user=by, may_import_history=may_import_history, note=note, dry_run=dry_run)
    try:
        with transaction.atomic():
            _import(parsed, organisation=organisation, outcome=outcome, importer=importer, owner=owner,
                    category=category)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        outcome.policy = None
    return outcome


def _import(
    parsed: ParsedPolicy, *, organisation: Organisation, outcome: ImportOutcome, importer: _Importer,
    owner: Person | None = None, category: str | None = None,
) -> None:
    policy = Policy.objects.select_for_update().filter(organisation=organisation, title__iexact=parsed.title).first()
    if policy is None:
        policy = Policy(
            organisation=organisation,
            title=parsed.title,
            slug=unique_policy_slug(parsed.title, organisation),
            category=category or category_from_title(parsed.title),
            review_cycle_months=parsed.review_cycle_months,
            # Whoever imports a draft must be able to open and submit it.
            owner=owner if importer.may_import_history else importer.person,
        )
        _attribute(policy, importer, IMPORTED_HISTORY_REASON if importer.may_import_history
                   else IMPORTED_DRAFT_REASON)
        _save(policy, importer)
        outcome.created_policy = True
    else:
        if (owner is not None and owner.pk != policy.owner_id) or (category and category != policy.category):
            outcome.notes.append(NOTE_SETTINGS_KEPT.format(title=policy.title))
        if parsed.review_cycle_months and policy.review_cycle_months != parsed.review_cycle_months:
            policy.review_cycle_months = parsed.review_cycle_months
            _attribute(policy, importer, IMPORTED_HISTORY_REASON if importer.may_import_history
                       else IMPORTED_DRAFT_REASON)
            _save(policy, importer, update_fields=["review_cycle_months", "updated_at"])
    outcome.policy = policy
    if importer.dry_run:
        _import_versions(policy, parsed, outcome, importer)
        return
    add_legislation(policy, parsed.legislation)
    add_related_names(policy, parsed.related_policies)
    _import_versions(policy, parsed, outcome, importer)
    _date_imported_supersessions(policy, importer)


def _save(instance, importer: _Importer, **kwargs) -> None:
    if not importer.dry_run:
        instance.save(**kwargs)


def _import_versions(policy: Policy, parsed: ParsedPolicy, outcome: ImportOutcome, importer: _Importer) -> None:
    rows = sorted(parsed.versions, key=lambda v: version_sort_key(v.version or ""))
    newest = rows.pop() if rows else ParsedVersion(None, None, None, None, None, None, parsed.next_review)
    existing = {v.label: v for v in policy.versions.all()} if policy.pk else {}
    current = policy.current_version if policy.pk else None
    first_import = current is None and not any(v.is_locked for v in existing.values())
    if first_import and not importer.may_import_history:
        rows = []  # an owner may not write a whole approved history on a new policy
    for row in rows:  # earlier rows of the version table: their text is not in the document
        if not row.version or row.version in existing:
            continue
        if current is not None and version_sort_key(row.version) > (current.major, current.minor):
            outcome.notes.append(NOTE_NEWER_ROW_SKIPPED.format(label=row.version))
            continue
        _create_imported(policy, row, body="", source=parsed.filename, importer=importer)
        outcome.versions_added.append(row.version)

    # The text alone: a current version's stored hash covers its quiz too.
    if current is not None and hash_of(current.body) == hash_of(parsed.body_markdown):
        return
    label = _label_for_text(policy, newest, existing, current, outcome)
    if label is None:
        return
    row = ParsedVersion(label, newest.approved, newest.approved_on, newest.approved_by,
                        newest.reason or f"Imported from {parsed.filename}", newest.author, newest.next_review)
    older = current is not None and version_sort_key(label) < (current.major, current.minor)
    if older or (first_import and importer.may_import_history):
        version = _create_imported(policy, row, body=parsed.body_markdown, source=parsed.filename,
                                   importer=importer, next_review_on=parsed.next_review_on)
        if not older and not importer.dry_run:
            publish_version(version, on=version.effective_on)
        outcome.versions_added.append(label)
        return
    _create_draft(policy, row, parsed, outcome, importer)


def _label_for_text(
    policy: Policy, newest: ParsedVersion, existing: dict[str, PolicyVersion], current: PolicyVersion | None,
    outcome: ImportOutcome,
) -> str | None:
    """The label the document's text is recorded under, or None when the
    library already holds that older version."""
    label = newest.version or ("1.0" if not existing else None)
    if label is not None and label in existing and current is not None and label != current.label:
        if version_sort_key(label) < (current.major, current.minor):
            outcome.notes.append(NOTE_ALREADY_HELD.format(label=label))
            return None
    if label is None or label in existing:
        outcome.notes.append(
            f"The text differs from version {current.label if current else label} but the document "
            "gives no new version number, so it is recorded as the next minor version."
        )
        return next_minor_label(policy)
    if not newest.version:
        outcome.notes.append("The document gives no version number; it is recorded as version 1.0.")
    return label


def _create_imported(
    policy: Policy, row: ParsedVersion, *, body: str, source: str, importer: _Importer,
    next_review_on: datetime.date | None = None,
) -> PolicyVersion:
    """A historical row as the document states it: superseded until published,
    marked imported, with the approving body only as the document's words."""
    version = PolicyVersion(
        policy=policy,
        label=row.version,
        is_major=version_sort_key(row.version)[1] == 0,
        status=PolicyVersion.Status.SUPERSEDED,
        provenance=PolicyVersion.Provenance.IMPORTED,
        body=body,
        reason=(row.reason or "")[:500],
        author=(row.author or "")[:200],
        approved_on=row.approved_on,
        effective_on=row.approved_on,
        approved_text=(row.approved or "")[:100],
        committee=None,
        approved_by_text=(row.approved_by or "")[:200],
        next_review_on=next_review_on,
        next_review_text=(row.next_review or "")[:100],
        source_filename=source[:255],
    )
    _attribute(version, importer, IMPORTED_HISTORY_REASON)
    _save(version, importer)
    return version


def _create_draft(
    policy: Policy, row: ParsedVersion, parsed: ParsedPolicy, outcome: ImportOutcome, importer: _Importer
) -> None:
    """The document's text as a draft: no approval, no publication, no
    obligations until a committee approves it in the portal."""
    open_draft = policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first() if policy.pk else None
    if open_draft is not None:
        outcome.notes.append(NOTE_OPEN_DRAFT.format(label=open_draft.label))
        return
    version = PolicyVersion(
        policy=policy,
        label=row.version,
        is_major=version_sort_key(row.version)[1] == 0,
        status=PolicyVersion.Status.DRAFT,
        body=parsed.body_markdown,
        reason=(row.reason or "")[:500],
        author=(row.author or "")[:200],
        author_person=importer.person,
        next_review_on=parsed.next_review_on,
        next_review_text=(row.next_review or "")[:100],
        review_cycle_months=parsed.review_cycle_months,
        source_filename=parsed.filename[:255],
        # The owner's check of understanding carries over to the next version,
        # to edit with the text (a document brings none of its own).
        quiz=list(policy.current_version.quiz) if policy.pk and policy.current_version_id else [],
    )
    _attribute(version, importer, IMPORTED_DRAFT_REASON)
    _save(version, importer)
    outcome.drafted = version.label
    first = policy.current_version_id is None
    note = NOTE_FIRST_IMPORT_DRAFT if first and not importer.may_import_history else NOTE_DRAFT
    outcome.notes.append(note.format(label=version.label))


def _date_imported_supersessions(policy: Policy, importer: _Importer) -> None:
    """An imported row was superseded when the next version took effect. The
    portal did not see that day; the date the document states for the next
    version is the only one there is, so the row says that, not nothing."""
    shown = [PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.SUPERSEDED]
    versions = sorted(policy.versions.filter(status__in=shown), key=lambda v: (v.major, v.minor, v.pk))
    for version, successor in zip(versions, versions[1:], strict=False):
        day = successor.effective_on or successor.approved_on
        if version.status == PolicyVersion.Status.SUPERSEDED and version.superseded_on is None and day:
            version.superseded_on = day
            _attribute(version, importer, IMPORTED_HISTORY_REASON)
            version.save(update_fields=["superseded_on"])


def _attribute(instance, importer: _Importer, reason: str) -> None:
    """Name the importer and what happened on the audit timeline."""
    instance._change_reason = importer.reason(reason)
    if importer.user is not None:
        instance._history_user = importer.user


def publish_version(version: PolicyVersion, *, on: datetime.date | None = None) -> PolicyVersion:
    """Make the version the one staff read, superseding the one before on the
    same day. `on` is the day of publication, which is today except where
    history is replayed (an imported document's stated dates, the demo);
    it is never the approval date, which may be a meeting days before."""
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


QUIZ_NOT_A_DRAFT = (
    "Version {label} is {status}: its check of understanding was approved with it and cannot be changed. "
    "Start a new draft to change the questions."
)


class QuizLocked(Exception):
    """The version is no longer a draft; str() says why."""


def save_quiz(version: PolicyVersion, *, quiz: list[dict], by: User | None = None) -> PolicyVersion:
    """Replace a draft's check of understanding. Refused (QuizLocked) once the
    draft has been sent for approval; QuizInvalid names each broken rule."""
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
        if version.status != PolicyVersion.Status.DRAFT:
            raise QuizLocked(QUIZ_NOT_A_DRAFT.format(label=version.label,
                                                     status=version.get_status_display().lower()))
        version.quiz = normalised_quiz(quiz, body=version.body)
        version._change_reason = "Check of understanding changed"
        if by is not None:
            version._history_user = by
        version.save()
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
