"""Read-only questions about drafts and decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Value

from approvals.models import CommitteeMember, Submission, Vote
from people.models import Person
from policies.models import Audience, Committee, Policy, PolicyVersion
from policies.selectors import HistoryEntry


def awaiting_decision(person: Person | None) -> QuerySet[Submission]:
    if person is None:
        return Submission.objects.none()
    committees = CommitteeMember.objects.filter(person=person).values("committee")
    awaiting = Submission.objects.filter(status=Submission.Status.AWAITING, committee__in=committees)
    # Nobody decides a draft they wrote or sent (approvals.permissions.conflict_of_interest).
    awaiting = awaiting.exclude(version__author_person=person)
    if person.user_id is not None:
        awaiting = awaiting.exclude(submitted_by=person.user_id)
    return (
        awaiting
        .exclude(votes__person=person)
        .select_related("version__policy", "committee", "submitted_by")
        # For each one's progress (services.progress) without a query per row.
        .prefetch_related("committee__members__person", "votes")
        .order_by("submitted_at")
    )


def my_drafts(person: Person | None) -> QuerySet[PolicyVersion]:
    if person is None:
        return PolicyVersion.objects.none()
    return (
        PolicyVersion.objects.filter(policy__owner=person, status__in=PolicyVersion.OPEN_STATUSES)
        .select_related("policy").defer("body")
    )


def approving_committees(policy: Policy) -> QuerySet[Committee]:
    """The committees a draft of this policy may be sent to. A trust-wide
    policy goes only to the trust's committees; a school's policy to that
    school's or the trust's. Within that, the committees chosen for the policy
    in the admin, if any are chosen."""
    organisation = policy.organisation
    bodies = [organisation.pk] if organisation.is_trust else [organisation.pk, organisation.trust_id]
    committees = Committee.objects.filter(organisation__in=bodies)
    chosen = policy.approving_committees.all()
    if chosen.exists():
        committees = committees.filter(pk__in=chosen.values("pk"))
    return committees.order_by("name")


def last_decision(version: PolicyVersion) -> Submission | None:
    return (
        version.submissions.exclude(status=Submission.Status.AWAITING)
        .prefetch_related("votes__person").order_by("-decided_at").first()
    )


@dataclass(frozen=True)
class MetadataChange:
    field: str
    old: str
    new: str


def metadata_changes(old: PolicyVersion, new: PolicyVersion) -> list[MetadataChange]:
    labels = dict(Audience.choices)

    def cycle(version: PolicyVersion) -> str:
        months = version.review_cycle_months
        return f"{months} months" if months else "Not set"

    def audiences(version: PolicyVersion) -> str:
        return ", ".join(labels.get(code, code) for code in version.audiences) or "Not set"

    def kind(version: PolicyVersion) -> str:
        return "Major" if version.is_major else "Minor"

    changes = []
    for name, read in [("Review cycle", cycle), ("Who it is for", audiences), ("Kind of revision", kind)]:
        before, after = read(old), read(new)
        if before != after and "Not set" not in (before, after):
            changes.append(MetadataChange(name, before, after))
    return changes


def audit_events(policy, *, viewer: Person | None, sees_every_draft: bool) -> list:
    """Submissions, votes and decisions on the policy's drafts, for the
    timeline, as this viewer may see them: everything to those who may edit the
    policy's drafts (`sees_every_draft`); a submission's entries to the members
    of the committee it went to; to everyone else only the decision that
    approved a version now in the version table, never a vote or a comment.
    Membership is read in the same query, so the count does not grow.
    It is the policy timeline's source (policies.selectors.add_timeline_source)."""
    events = []
    member = CommitteeMember.objects.filter(committee=OuterRef("committee"), person=viewer)
    submissions = Submission.objects.filter(version__policy=policy).select_related(
        "committee", "submitted_by", "version"
    ).prefetch_related("votes__person").annotate(viewer_is_member=Exists(member) if viewer else Value(False))
    for submission in submissions:
        label = submission.version.label
        if not (sees_every_draft or submission.viewer_is_member):
            if submission.status == Submission.Status.APPROVED and submission.version.is_locked:
                events.append(HistoryEntry(submission.decided_at, submission.committee.name,
                                           f"Decision on version {label}: {submission.get_status_display()}"))
            continue
        events.append(HistoryEntry(submission.submitted_at, str(submission.submitted_by),
                                   f"Version {label} submitted to the {submission.committee.name}"))
        for vote in submission.votes.all():
            what = f"{vote.get_decision_display()} version {label}"
            if vote.recorded_for_meeting:
                what += f" (meeting of {submission.meeting_date:%-d %B %Y}, minute {submission.minute_reference})"
            elif vote.method == Vote.Method.LINK:
                what += f" ({how_given(vote)})"
            if vote.comment:
                what += f": “{vote.comment}”"
            events.append(HistoryEntry(vote.created_at, str(vote.person), what))
        if submission.decided_at:
            events.append(HistoryEntry(submission.decided_at, submission.committee.name,
                                       f"Decision on version {label}: {submission.get_status_display()}"))
    return events


def how_given(vote: Vote) -> str:
    """How a vote was given, in words: "by emailed link, from 203.0.113.5,
    Safari on iPad"; "signed in to the portal"; "recorded by the clerk"."""
    if vote.method == Vote.Method.CLERK or vote.recorded_for_meeting:
        return "recorded by the clerk"
    if vote.method == Vote.Method.PORTAL:
        return "signed in to the portal"
    parts = ["by emailed link"]
    if vote.ip_address:
        parts.append(f"from {vote.ip_address}")
    if vote.user_agent:
        parts.append(browser_summary(vote.user_agent))
    return ", ".join(parts)


# Most specific first: Edge and Chrome say "Safari" too, Chrome on iOS says "CriOS".
BROWSERS = [("Edg", "Edge"), ("OPR", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
            ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chromium", "Chromium"), ("Chrome", "Chrome"),
            ("Safari", "Safari")]
DEVICES = [("iPad", "iPad"), ("iPhone", "iPhone"), ("Android", "Android"), ("Windows", "Windows"),
           ("Macintosh", "Mac"), ("CrOS", "Chromebook"), ("Linux", "Linux")]


def browser_summary(user_agent: str) -> str:
    """"Safari on iPad" from a browser's User-Agent header; the header itself
    is kept on the vote, this is only how a page says it."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    device = next((name for marker, name in DEVICES if marker in user_agent), "")
    if browser and device:
        return f"{browser} on {device}"
    return browser or device or "an unrecognised browser"


def decides_or_drafts(person: Person | None) -> bool:
    """Whether the Approvals page has anything for this person."""
    if person is None:
        return False
    # One round trip for both: every signed-in page's navigation asks.
    seat = CommitteeMember.objects.filter(person=person)
    owned = Policy.objects.filter(owner=person)
    return Person.objects.filter(pk=person.pk).filter(Exists(seat) | Exists(owned)).exists()
