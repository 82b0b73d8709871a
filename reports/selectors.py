"""HR reports: who has not signed what, scoped to the schools a person may
see (reports.permissions decides which). Aggregates and anti-joins in the
database, never loops over people."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import F, OrderBy, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from acknowledgements import counts
from acknowledgements.models import CountsState, Obligation, SignOffCount
from people.models import Role, RoleAssignment, StaffGroup, in_post_condition
from reports import compliance_days
from reports.models import ComplianceDay, ComplianceSnapshot
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
    closed: bool = False  # the obligations closed without signing (with why), not the outstanding ones


# A list limited to this many schools (or to one school or one policy) is
# read from its own rows; a wider one is read in due-date order from the
# (status, due_on) index. See _in_order_of.
FEW_SCHOOLS = 3


def outstanding(school_ids: list[int], filters: OutstandingFilters, *, today: datetime.date | None = None
                ) -> QuerySet[Obligation]:
    """One row per outstanding obligation per school of the person, within
    scope; with filters.closed, per obligation closed without signing instead
    (leavers' too: leaving is one of the reasons)."""
    today = today or timezone.localdate()
    if filters.closed:
        rows = Obligation.objects.filter(status=Obligation.Status.WITHDRAWN, person__schools__in=school_ids)
    else:
        rows = Obligation.objects.filter(
            status=Obligation.Status.OUTSTANDING, person__schools__in=school_ids,
        ).filter(in_post_condition(today, via="person"))
    if filters.policy:
        rows = rows.filter(policy__slug=filters.policy)
    if filters.group:
        rows = rows.filter(person__staff_group=filters.group)
    if filters.overdue and not filters.closed:
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
        # The row's own school (the join the scope filtered), so a person in
        # two schools appears only under the one asked for.
        rows = rows.filter(school_slug=filters.school)
    order = SORTS.get(filters.sort, SORTS["due"])
    narrow = bool(filters.school or filters.policy) or len(school_ids) <= FEW_SCHOOLS
    order = [_in_order_of(field, descending=filters.descending, narrow=narrow) for field in order]
    # A person in two schools owes one obligation on two rows: the school
    # settles their order, so the page, the CSV and the XLSX agree on it.
    return rows.order_by(*order, "pk", "school_slug")


# What the page's rows show (reports.templatetags.report_filters.outstanding_rows):
# only these are read, as a narrow row sorts faster (a school's rows are
# sorted before the first 50 are taken: 15 ms against 27 ms with every column),
# and read as plain rows: 50 rows of four model instances each cost the page
# more than the SQL that found them.
PAGE_FIELDS = (
    "person_id", "person_name", "person__email", "school_name", "person__staff_group", "policy__title",
    "version__label", "version__major", "version__minor", "reason", "period", "owed_since", "due_on", "status",
    "closed_reason", "closed_on", "variant__title",
)


def for_page(rows: QuerySet[Obligation]) -> QuerySet:
    """outstanding()'s rows as named tuples of PAGE_FIELDS (`person__email` is `person__email`)."""
    return rows.values_list(*PAGE_FIELDS, named=True)


def _in_order_of(field: str, *, descending: bool, narrow: bool) -> OrderBy:
    """The sort on one field. For a narrow list (a few schools' people, or one
    policy) the due date is sorted as an expression the (status, due_on) index
    cannot answer, so PostgreSQL reads just those rows (the school's people by
    the (person, status) index, the policy's by (policy, status)) and sorts a
    few thousand. Given the bare column it would walk the index over every
    outstanding row of the trust in due-date order, betting that the school's
    rows come early: with thousands of sign-offs due on the same day (a new
    version for everyone) it read 175,000 rows for one school's first page
    (383-709 ms on 20,000 staff, against 20-40 ms this way on a busy machine).
    A wide list (the whole trust) keeps the walk: its first page is in the
    first few rows. (No other sort column has an index to walk.)"""
    if narrow and field == "due_on":
        expression = Coalesce(field, field)  # the same order, no index's
    else:
        expression = F(field)
    return expression.desc() if descending else expression.asc()


def outstanding_total(school_ids: list[int], filters: OutstandingFilters, *, today: datetime.date | None = None
                      ) -> int | None:
    """How many rows outstanding(school_ids, filters) holds, read from the
    kept counts (SignOffCount: one row per school, version and staff group)
    when they can say: the filters are ones they are kept by (school, policy,
    staff group, overdue) and they are as of today. None otherwise (new
    starters and start dates are not kept, or the counts are not yet rolled to
    today): the caller counts the rows themselves."""
    today = today or timezone.localdate()
    if filters.new_starters or filters.started_from or filters.started_to or filters.closed:
        return None
    counted = SignOffCount.objects.filter(school_id__in=school_ids)
    if filters.school:
        counted = counted.filter(school__slug=filters.school)
    if filters.policy:
        counted = counted.filter(policy__slug=filters.policy)
    if filters.group:
        counted = counted.filter(staff_group=filters.group)
    # The day the counts are as of and their sum, in one statement.
    summed = (counted.order_by().annotate(every=Value(1)).values("every")
              .annotate(n=Sum("overdue" if filters.overdue else "outstanding")).values("n"))
    state = CountsState.objects.order_by("pk").annotate(n=Subquery(summed)).values_list("overdue_on", "n").first()
    if state is None or state[0] != today:
        return None
    return state[1] or 0


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


_DIMENSIONS = {"policy": "policy__title", "school": "school__name", "group": "staff_group"}


def compliance_by(dimension: str, school_ids: list[int]) -> list[Compliance]:
    """Signed, outstanding and overdue for each policy's current text (any
    version of its current major), by policy, school or staff group, summed
    from the kept counts (acknowledgements.models.SignOffCount: a few rows per
    school, policy and staff group, so tens of thousands at most, never the
    obligations). Overdue is as of the counts' day, which the refresher rolls
    forward first."""
    field = _DIMENSIONS[dimension]
    rows = (
        SignOffCount.objects.filter(school_id__in=school_ids, version__major=F("policy__current_version__major"))
        .exclude(signed=0, outstanding=0)
        .values(field)
        .annotate(n_signed=Sum("signed"), n_owed=Sum("outstanding"), n_late=Sum("overdue"))
        .order_by(field)
    )
    labels = dict(StaffGroup.choices)
    return [Compliance(labels.get(row[field], row[field]) if dimension == "group" else row[field],
                       row["n_signed"], row["n_owed"], row["n_late"]) for row in rows]


TREND_WEEKS = 12


def _week_ends(weeks: int, today: datetime.date) -> list[datetime.date]:
    return [today - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def trend(school_ids: list[int], *, weeks: int = TREND_WEEKS, today: datetime.date | None = None) -> list[Compliance]:
    """Signed, outstanding and overdue at the end of each of the last N weeks,
    summed from the schools' kept days (reports.compliance_days writes them)."""
    today = today or timezone.localdate()
    ends = _week_ends(weeks, today)
    totals = {
        row["day"]: row for row in ComplianceDay.objects.filter(school_id__in=school_ids, day__in=ends)
        .values("day").annotate(n_signed=Sum("signed"), n_owed=Sum("outstanding"), n_late=Sum("overdue"))
        .order_by()
    }
    return [Compliance(end.strftime("%-d %b"), *(totals.get(end, {}).get(name, 0)
                                                  for name in ("n_signed", "n_owed", "n_late")))
            for end in ends]


SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=15)


def _scope_key(school_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(school_ids))).encode()).hexdigest()


def compute_dashboard(school_ids: list[int], *, today: datetime.date | None = None) -> dict:
    def rows(items: list[Compliance]) -> list[dict]:
        return [{"label": c.label, "signed": c.signed, "outstanding": c.outstanding, "overdue": c.overdue}
                for c in items]

    return {
        "by_policy": rows(compliance_by("policy", school_ids)),
        "by_school": rows(compliance_by("school", school_ids)),
        "by_group": rows(compliance_by("group", school_ids)),
        "trend": rows(trend(school_ids, today=today)),
    }


def refresh_dashboard(school_ids: list[int], *, today: datetime.date | None = None) -> ComplianceSnapshot:
    """Recompute one scope's figures: the kept counts' overdue rolled to
    today (one row read when already rolled), today's trend point written from
    them, any missing earlier day of the trend reconstructed (once), then the
    figures summed from the counts. Safe to run twice."""
    today = today or timezone.localdate()
    counts.roll_overdue(today)
    compliance_days.record_day(school_ids, today=today)
    compliance_days.fill_missing_days(school_ids, first=_week_ends(TREND_WEEKS, today)[0],
                                      last=today - datetime.timedelta(days=1))
    snapshot, _ = ComplianceSnapshot.objects.update_or_create(
        scope_key=_scope_key(school_ids),
        defaults={"data": compute_dashboard(school_ids, today=today), "computed_at": timezone.now()},
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
