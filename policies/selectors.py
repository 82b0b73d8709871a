"""Read-only questions about the policy library."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from people.models import Organisation, User
from people.selectors import person_for_user
from policies import permissions
from policies.models import Policy, PolicyVersion


class ReviewStatus(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due"
    OVERDUE = "overdue"
    NOT_SET = "none"

    @property
    def label(self) -> str:
        return {
            "current": "Current",
            "due": f"Review due within {settings.REVIEW_DUE_SOON_DAYS} days",
            "overdue": "Review overdue",
            "none": "No review date",
        }[self.value]


def today() -> datetime.date:
    return timezone.localdate()


def review_status(next_review_on: datetime.date | None, on: datetime.date | None = None) -> ReviewStatus:
    if next_review_on is None:
        return ReviewStatus.NOT_SET
    on = on or today()
    if next_review_on < on:
        return ReviewStatus.OVERDUE
    if next_review_on <= on + datetime.timedelta(days=settings.REVIEW_DUE_SOON_DAYS):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT


def _review_q(status: str, on: datetime.date) -> Q:
    soon = on + datetime.timedelta(days=settings.REVIEW_DUE_SOON_DAYS)
    return {
        ReviewStatus.OVERDUE: Q(next_review_on__lt=on),
        ReviewStatus.DUE_SOON: Q(next_review_on__gte=on, next_review_on__lte=soon),
        ReviewStatus.CURRENT: Q(next_review_on__gt=soon),
        ReviewStatus.NOT_SET: Q(next_review_on__isnull=True),
    }[ReviewStatus(status)]


@dataclass(frozen=True)
class LibraryFilters:
    query: str = ""
    school: str = ""
    category: str = ""
    review: str = ""


def visible_policies() -> QuerySet[Policy]:
    """Policies with a published version: what every member of staff may read."""
    return Policy.objects.filter(current_version__isnull=False)


def library(filters: LibraryFilters, *, on: datetime.date | None = None) -> QuerySet[Policy]:
    on = on or today()
    policies = (
        visible_policies()
        .select_related("organisation", "owner", "current_version__committee")
        .defer("current_version__body")
    )
    if filters.query:
        words = filters.query.split()
        for word in words:
            policies = policies.filter(Q(title__icontains=word) | Q(current_version__body__icontains=word))
    if filters.school:
        # A school's staff follow the trust's policies as well as their own.
        policies = policies.filter(
            Q(organisation__slug=filters.school) | Q(organisation__schools__slug=filters.school)
        ).distinct()
    if filters.category:
        policies = policies.filter(category=filters.category)
    if filters.review in ReviewStatus._value2member_map_:
        policies = policies.filter(_review_q(filters.review, on))
    return policies.order_by("title")


def review_counts(policies: QuerySet[Policy], *, on: datetime.date | None = None) -> dict[str, int]:
    """How many of the given policies are in each review status, in one query."""
    on = on or today()
    return policies.order_by().aggregate(
        **{status.value: Count("pk", filter=_review_q(status, on)) for status in ReviewStatus}
    )


def schools() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).order_by("name")


def version_table(policy: Policy) -> list[PolicyVersion]:
    """The rows trusts print: every approved version, oldest first, each
    knowing the label before it (for "what changed" links)."""
    rows = list(
        policy.versions.filter(status__in=PolicyVersion.LOCKED_STATUSES)
        .select_related("committee")
        .defer("body")
        .annotate(variant_count=Count("variants"))  # "1 variant for audiences" beside the label
        .order_by("major", "minor", "id")
    )
    for previous, row in zip([None, *rows], rows, strict=False):
        row.previous_label = previous.label if previous else ""
    return rows


def _without_qualifier(name: str) -> str:
    return re.sub(r"\s*[\[(].*?[\])]\s*$", "", name).strip()


def _normalise_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


@dataclass(frozen=True)
class NamedRelation:
    name: str
    policy: Policy | None  # None: named in the document, not yet in the library


def related_policies(policy: Policy) -> tuple[list[Policy], list[NamedRelation]]:
    """Linked policies (both directions) and the ones only named, each named
    one resolved against the library in case it has been added since."""
    linked = list(visible_policies().filter(related=policy).order_by("title"))
    names = list(policy.named_related.values_list("name", flat=True))
    # "Acceptable Use Policy [Staff]" names the library's "Acceptable Use Policy".
    candidates = set(names) | {_without_qualifier(n) for n in names}
    matches = Q(pk__in=[])
    for candidate in candidates:
        matches |= Q(title__iexact=candidate)
    by_title = {_normalise_title(p.title): p for p in visible_policies().filter(matches)}
    linked_ids = {p.pk for p in linked} | {policy.pk}
    named = []
    for name in names:
        match = by_title.get(_normalise_title(name)) or by_title.get(_normalise_title(_without_qualifier(name)))
        if match and match.pk in linked_ids:
            continue
        named.append(NamedRelation(name=name, policy=match))
    return linked, named


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    # The version the entry is about, so the timeline can hide a draft's
    # entries from those who may not open the draft.
    version_id: int | None = None


# Entries other apps add to a policy's timeline (approvals: submissions, votes
# and decisions). The library sits below them and may not import them
# (docs/architecture.md), so each adds its source here when it loads (its
# AppConfig.ready). A source is called as source(policy, viewer=<Person or
# None>, sees_every_draft=<bool>) and returns the entries that viewer may see.
TimelineSource = Callable[..., list[HistoryEntry]]
_timeline_sources: dict[str, TimelineSource] = {}


def add_timeline_source(name: str, source: TimelineSource) -> None:
    _timeline_sources[name] = source


def policy_timeline(policy: Policy, *, user: User, editor: bool, locked_ids: set[int]) -> list[HistoryEntry]:
    """The audit timeline as this viewer may see it, newest first: a draft's
    entries only to those who may open the draft (a committee's comments stay
    with the committee and the policy's editors)."""
    viewer = person_for_user(user)
    entries = policy_history(policy)
    every_draft = permissions.sees_every_draft(user, editor=editor)
    drafts_seen = every_draft
    if not drafts_seen and any(e.version_id not in locked_ids for e in entries if e.version_id is not None):
        drafts_seen = permissions.can_see_unpublished(user, policy)
    if not drafts_seen:
        entries = [e for e in entries if e.version_id is None or e.version_id in locked_ids]
    for source in _timeline_sources.values():
        entries += source(policy, viewer=viewer, sees_every_draft=every_draft)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def policy_history(policy: Policy, *, limit: int = 50) -> list[HistoryEntry]:
    """Every recorded change to the policy and its versions, newest first;
    a change says which fields it changed ("Policy changed: owner, next review on")."""
    # One row more than is shown, so the oldest shown change has its predecessor
    # to be compared with; both lists in one query each, whatever the length.
    policy_rows = list(policy.history.select_related("history_user").order_by("-history_date")[:limit + 1])
    version_rows = list(
        PolicyVersion.history.filter(policy_id=policy.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit + 1]
    )
    links = _M2mLinks(policy_rows)
    entries = chain(
        (_history_entry(row, f"Policy {_what_changed(row, previous, links)}")
         for row, previous in _with_previous(policy_rows)),
        (_history_entry(row, f"Version {row.label} {_verb(row)} ({row.get_status_display().lower()})"
                             f"{_fields_changed(row, previous, None)}", version_id=row.id)
         for row, previous in _with_previous(version_rows)),
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)[:limit]


def _with_previous(rows: list) -> list[tuple]:
    """Each history row (newest first) with the same object's row before it, if fetched."""
    latest: dict[int, object] = {}
    paired = []
    for row in reversed(rows):
        paired.append((row, latest.get(row.id)))
        latest[row.id] = row
    return paired[::-1]


class _M2mLinks:
    """The many-to-many links (legislation) each history row recorded, read in
    one query per field for all rows rather than one per row as diff_against
    would, and only when a change altered no other field: changing the links
    writes a history row of its own."""

    def __init__(self, rows: list) -> None:
        self.rows = rows
        self._links: dict[tuple[int, str], frozenset] | None = None

    def of(self, row, field) -> frozenset:
        if self._links is None:
            self._links = self._read()
        return self._links.get((row.history_id, field.name), frozenset())

    def _read(self) -> dict[tuple[int, str], frozenset]:
        links: dict[tuple[int, str], set] = {}
        meta = self.rows[0]._meta
        for field in self.rows[0]._history_m2m_fields:
            through = apps.get_model(meta.app_label, f"{meta.object_name}_{field.name}")
            pairs = through.objects.filter(history__in=[row.history_id for row in self.rows])
            for history_id, target_id in pairs.values_list("history_id", f"{field.name}_id"):
                links.setdefault((history_id, field.name), set()).add(target_id)
        return {key: frozenset(value) for key, value in links.items()}


def _what_changed(row, previous, links: _M2mLinks) -> str:
    fields = _fields_changed(row, previous, links)
    if row.history_type == "~" and previous is not None and not fields:
        return "saved with nothing changed"
    return f"{_verb(row)}{fields}"


def _fields_changed(row, previous, links: _M2mLinks | None) -> str:
    """": owner, next review on": the fields a change altered, by their names
    on the form; empty for a creation, a deletion or a change with no predecessor."""
    if row.history_type != "~" or previous is None:
        return ""
    m2m = list(getattr(row, "_history_m2m_fields", []))
    delta = row.diff_against(previous, excluded_fields=[field.name for field in m2m])
    names = [str(row._meta.get_field(name).verbose_name) for name in delta.changed_fields]
    if not names and links is not None:
        names = [str(field.verbose_name) for field in m2m if links.of(row, field) != links.of(previous, field)]
    return f": {', '.join(names)}" if names else ""


def _verb(row) -> str:
    return {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]


def _history_entry(row, what: str, *, version_id: int | None = None) -> HistoryEntry:
    who = str(row.history_user) if row.history_user else "System"
    # A change that lists its fields takes its reason after a dash, not a second colon.
    joiner = " — " if ": " in what else ": "
    reason = f"{joiner}{row.history_change_reason}" if row.history_change_reason else ""
    return HistoryEntry(when=row.history_date, who=who, what=what + reason, version_id=version_id)
