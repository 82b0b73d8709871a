"""HR reports: who has not signed what, scoped to the schools a person may
see (reports.permissions decides which). Aggregates and anti-joins in the
database, never loops over people."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from acknowledgements.models import Obligation
from people.models import Role, RoleAssignment, StaffGroup, in_post_condition
from reports.models import ComplianceSnapshot
from reports.permissions import scope_schools

SORTS = {
    "person": ("person__last_name", "person__first_name"),
    "school": ("school_name", "person__last_name"),
    "policy": ("policy__title", "person__last_name"),
    "due": ("due_on", "person__last_name"),
    "owed_since": ("owed_since", "person__last_name"),
    "group": ("person__staff_group", "person__last_name"),
}


@dataclass(frozen=True)
class OutstandingFilters:
    school: str = ""
    policy: str = ""
    group: str = ""
    overdue: bool = False
    new_starters: bool = False
    started_from: datetime.date | None = None
    started_to: datetime.date | None = None
    sort: str = "due"
    descending: bool = False


def outstanding(school_ids: list[int], filters: OutstandingFilters, *, today: datetime.date | None = None
                ) -> QuerySet[Obligation]:
    """One row per outstanding obligation per school of the person, within scope."""
    today = today or timezone.localdate()
    rows = Obligation.objects.filter(
        status=Obligation.Status.OUTSTANDING, person__schools__in=school_ids,
    ).filter(in_post_condition(today, via="person"))
    if filters.school:
        rows = rows.filter(person__schools__slug=filters.school)
    if filters.policy:
        rows = rows.filter(policy__slug=filters.policy)
    if filters.group:
        rows = rows.filter(person__staff_group=filters.group)
    if filters.overdue:
        rows = rows.filter(due_on__lt=today)
    if filters.new_starters:
        rows = rows.filter(reason=Obligation.Reason.NEW_STARTER)
    if filters.started_from:
        rows = rows.filter(person__start_date__gte=filters.started_from)
    if filters.started_to:
        rows = rows.filter(person__start_date__lte=filters.started_to)
    rows = rows.annotate(
        school_name=F("person__schools__name"), school_slug=F("person__schools__slug"),
        person_name=Concat("person__first_name", Value(" "), "person__last_name"),
    )
    if filters.school:
        rows = rows.filter(school_slug=filters.school)
    order = SORTS.get(filters.sort, SORTS["due"])
    order = [f"-{field}" for field in order] if filters.descending else list(order)
    return rows.order_by(*order, "pk")


@dataclass(frozen=True)
class Compliance:
    label: str
    signed: int
    outstanding: int
    overdue: int

    @property
    def total(self) -> int:
        return self.signed + self.outstanding

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 100


def _current(school_ids: list[int], today: datetime.date) -> QuerySet[Obligation]:
    """Obligations for each policy's current text that are signed or still owed."""
    return Obligation.objects.filter(
        person__schools__in=school_ids, version__major=F("policy__current_version__major"),
        status__in=[Obligation.Status.SIGNED, Obligation.Status.OUTSTANDING],
    ).filter(in_post_condition(today, via="person"))


def compliance_by(dimension: str, school_ids: list[int], *, today: datetime.date | None = None) -> list[Compliance]:
    today = today or timezone.localdate()
    field = {"policy": "policy__title", "school": "person__schools__name", "group": "person__staff_group"}[dimension]
    rows = (
        _current(school_ids, today).values(field)
        .annotate(
            signed=Count("pk", filter=Q(status=Obligation.Status.SIGNED)),
            owed=Count("pk", filter=Q(status=Obligation.Status.OUTSTANDING)),
            late=Count("pk", filter=Q(status=Obligation.Status.OUTSTANDING, due_on__lt=today)),
        )
        .order_by(field)
    )
    labels = dict(StaffGroup.choices)
    return [Compliance(labels.get(row[field], row[field]) if dimension == "group" else row[field],
                       row["signed"], row["owed"], row["late"]) for row in rows]


def trend(school_ids: list[int], *, weeks: int = 12, today: datetime.date | None = None) -> list[Compliance]:
    """Share signed at the end of each of the last N weeks, in one query."""
    today = today or timezone.localdate()
    ends = [today - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    base = Obligation.objects.filter(person__schools__in=school_ids).exclude(status=Obligation.Status.WITHDRAWN)
    aggregates = {}
    for index, end in enumerate(ends):
        owed = Q(owed_since__lte=end)
        aggregates[f"signed_{index}"] = Count("pk", filter=owed & Q(status=Obligation.Status.SIGNED,
                                                                     closed_on__lte=end))
        aggregates[f"owed_{index}"] = Count("pk", filter=owed & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)))
        aggregates[f"late_{index}"] = Count("pk", filter=owed & Q(due_on__lt=end)
                                            & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)))
    totals = base.aggregate(**aggregates)
    return [Compliance(end.strftime("%-d %b"), totals[f"signed_{i}"], totals[f"owed_{i}"], totals[f"late_{i}"])
            for i, end in enumerate(ends)]


SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=15)


def _scope_key(school_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(school_ids))).encode()).hexdigest()


def compute_dashboard(school_ids: list[int]) -> dict:
    def rows(items: list[Compliance]) -> list[dict]:
        return [{"label": c.label, "signed": c.signed, "outstanding": c.outstanding, "overdue": c.overdue}
                for c in items]

    return {
        "by_policy": rows(compliance_by("policy", school_ids)),
        "by_school": rows(compliance_by("school", school_ids)),
        "by_group": rows(compliance_by("group", school_ids)),
        "trend": rows(trend(school_ids)),
    }


def refresh_dashboard(school_ids: list[int]) -> ComplianceSnapshot:
    snapshot, _ = ComplianceSnapshot.objects.update_or_create(
        scope_key=_scope_key(school_ids),
        defaults={"data": compute_dashboard(school_ids), "computed_at": timezone.now()},
    )
    return snapshot


def dashboard(school_ids: list[int]) -> tuple[dict, datetime.datetime]:
    """The dashboard's figures: the worker's snapshot when it is fresh,
    otherwise computed now (and kept for the next visitor)."""
    snapshot = ComplianceSnapshot.objects.filter(scope_key=_scope_key(school_ids)).first()
    if snapshot is None or snapshot.computed_at < timezone.now() - SNAPSHOT_MAX_AGE:
        snapshot = refresh_dashboard(school_ids)
    data = {name: [Compliance(**row) for row in rows] for name, rows in snapshot.data.items()}
    return data, snapshot.computed_at


def hr_scopes() -> list[list[int]]:
    """Every distinct set of schools an HR officer sees, for the refresher."""
    scopes: dict[int, list] = {}
    for assignment in RoleAssignment.objects.filter(role=Role.HR).select_related("organisation"):
        scopes.setdefault(assignment.person_id, []).append(assignment.organisation)
    return [list(ids) for ids in {tuple(scope_schools(orgs)) for orgs in scopes.values()}]
