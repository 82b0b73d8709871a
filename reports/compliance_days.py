"""The dashboard's trend, kept: each school's signed, outstanding and overdue
totals at the end of each day (reports.models.ComplianceDay).

Today's row is written from the kept counts (acknowledgements.models.
SignOffCount) by every dashboard refresh, so the last refresh of a day leaves
that day's figures. Days before the table existed, or missed while the worker
was down, are reconstructed once from the obligations' dates and stored; from
then on the trend reads a few hundred small rows, never the obligations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from acknowledgements.models import Obligation, SignOffCount
from people.models import Person
from reports.models import ComplianceDay

# "Not yet": an obligation still open, a person who has not left.
_NEVER = Value(datetime.date.max, output_field=DateField())
_ONE_DAY = datetime.timedelta(days=1)


def record_day(school_ids: list[int], *, today: datetime.date) -> None:
    """Write (or overwrite) each school's row for `today` from the kept counts."""
    totals = {
        row["school_id"]: row for row in SignOffCount.objects.filter(school_id__in=school_ids)
        .values("school_id").annotate(n_signed=Sum("signed"), n_outstanding=Sum("outstanding"),
                                      n_overdue=Sum("overdue")).order_by()
    }
    ComplianceDay.objects.bulk_create(
        [ComplianceDay(school_id=school_id, day=today, signed=totals.get(school_id, {}).get("n_signed") or 0,
                       outstanding=totals.get(school_id, {}).get("n_outstanding") or 0,
                       overdue=totals.get(school_id, {}).get("n_overdue") or 0)
         for school_id in school_ids],
        update_conflicts=True, unique_fields=["school", "day"], update_fields=["signed", "outstanding", "overdue"],
    )


# Schools are reconstructed in batches of about this many people, so no query
# reads more than a few hundred thousand obligations however large the trust.
PEOPLE_PER_BATCH = 1000


def fill_missing_days(school_ids: list[int], *, first: datetime.date, last: datetime.date) -> int:
    """Reconstruct and store every day from `first` to `last` that a school
    has no row for. Returns the number of schools reconstructed: 0, after one
    small grouped query, once the days are there."""
    wanted = (last - first).days + 1
    if wanted <= 0:
        return 0
    stored = dict(ComplianceDay.objects.filter(school_id__in=school_ids, day__range=(first, last))
                  .values("school_id").annotate(n=Count("pk")).values_list("school_id", "n").order_by())
    lacking = [school_id for school_id in school_ids if stored.get(school_id, 0) < wanted]
    if not lacking:
        return 0
    partly = [school_id for school_id in lacking if stored.get(school_id)]
    have = set(ComplianceDay.objects.filter(school_id__in=partly, day__range=(first, last))
               .values_list("school_id", "day")) if partly else set()
    days = [first + n * _ONE_DAY for n in range(wanted)]
    for batch in _batches(lacking):
        figures = reconstruct(batch, days)
        ComplianceDay.objects.bulk_create(
            [ComplianceDay(school_id=school_id, day=day, signed=signed, outstanding=outstanding, overdue=overdue)
             for school_id in batch
             for day, (signed, outstanding, overdue) in zip(days, figures[school_id], strict=True)
             if (school_id, day) not in have],
            ignore_conflicts=True,  # a refresher running beside us wrote the same day: its row stands
        )
    return len(lacking)


def _batches(school_ids: list[int]) -> list[list[int]]:
    sizes = dict(Person.schools.through.objects.filter(organisation_id__in=school_ids)
                 .values("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n").order_by())
    batches: list[list[int]] = [[]]
    people = 0
    for school_id in school_ids:
        if batches[-1] and people + sizes.get(school_id, 0) > PEOPLE_PER_BATCH:
            batches.append([])
            people = 0
        batches[-1].append(school_id)
        people += sizes.get(school_id, 0)
    return batches


def reconstruct(school_ids: list[int], days: list[datetime.date]) -> dict[int, list[tuple[int, int, int]]]:
    """(signed, outstanding, overdue) at the end of each of `days` (ascending)
    for each school's people, from the obligations' dates: an obligation not
    withdrawn is outstanding from owed_since until closed, overdue from the day
    after it was due until closed, signed from when it was signed; a person
    counts until their leave date (in post, as the kept counts count them).

    Each figure changes only on the dates where some obligation starts or
    stops counting, so the database groups those dates by school (five grouped
    queries, whatever the number of days) and the days are running sums."""
    obligations = (Obligation.objects.filter(person__schools__in=school_ids, owed_since__lte=days[-1])
                   .exclude(status=Obligation.Status.WITHDRAWN))
    school = "person__schools"
    owed = obligations.annotate(
        until=Least(Coalesce("closed_on", _NEVER), Coalesce("person__leave_date", _NEVER)),
    ).filter(until__gt=F("owed_since"))
    outstanding: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    overdue: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    signed: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))

    for school_id, day, n, late in owed.values_list(school, "owed_since").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=F("owed_since")))).order_by():
        outstanding[school_id][day] += n
        overdue[school_id][day] += late  # owed already past its due date: overdue from the start
    for school_id, day, n in owed.filter(due_on__gte=F("owed_since"), until__gt=F("due_on")).values_list(
            school, "due_on").annotate(n=Count("pk")).order_by():
        overdue[school_id][day + _ONE_DAY] += n
    for school_id, day, n, late in owed.filter(until__lt=_NEVER).values_list(school, "until").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(until__gt=F("due_on")))).order_by():
        outstanding[school_id][day] -= n
        overdue[school_id][day] -= late

    signed_ones = obligations.filter(status=Obligation.Status.SIGNED, closed_on__isnull=False).annotate(
        since=Greatest("owed_since", "closed_on"), until=Coalesce("person__leave_date", _NEVER),
    ).filter(until__gt=F("since"))
    for school_id, day, n in signed_ones.values_list(school, "since").annotate(n=Count("pk")).order_by():
        signed[school_id][day] += n
    for school_id, day, n in signed_ones.filter(until__lt=_NEVER).values_list(school, "until").annotate(
            n=Count("pk")).order_by():
        signed[school_id][day] -= n

    return {school_id: list(zip(_running(days, signed[school_id]), _running(days, outstanding[school_id]),
                                _running(days, overdue[school_id]), strict=True))
            for school_id in school_ids}


def _running(days: list[datetime.date], changes: dict[datetime.date, int]) -> list[int]:
    totals, total, pending, at = [], 0, sorted(changes.items()), 0
    for day in days:
        while at < len(pending) and pending[at][0] <= day:
            total += pending[at][1]
            at += 1
        totals.append(total)
    return totals
