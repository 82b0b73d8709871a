"""The kept sign-off counts the digests read, recounted from scratch as of a
day, for tests that set obligations up directly and move the clock. (Stands
in for acknowledgements.counts.rebuild + roll_overdue, which keep them in the
app; a recount agrees with them by definition, so it stays correct once
they land.)"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q

from acknowledgements.models import CountsState, Obligation, PersonSignOffCount, SignOffCount
from people.models import in_post_condition

OUTSTANDING, SIGNED = Obligation.Status.OUTSTANDING, Obligation.Status.SIGNED


def recount(on: datetime.date) -> None:
    counted = (
        Obligation.objects.filter(status__in=[OUTSTANDING, SIGNED], person__schools__isnull=False)
        .filter(in_post_condition(on, via="person"))
        .values("policy_id", "version_id", school_id=F("person__schools"), group=F("person__staff_group"))
        .order_by()
        .annotate(
            signed=Count("pk", filter=Q(status=SIGNED)),
            outstanding=Count("pk", filter=Q(status=OUTSTANDING)),
            overdue=Count("pk", filter=Q(status=OUTSTANDING, due_on__lt=on)),
        )
    )
    SignOffCount.objects.all().delete()
    SignOffCount.objects.bulk_create([
        SignOffCount(school_id=row["school_id"], policy_id=row["policy_id"], version_id=row["version_id"],
                     staff_group=row["group"], signed=row["signed"], outstanding=row["outstanding"],
                     overdue=row["overdue"])
        for row in counted
    ])
    per_person = (
        Obligation.objects.filter(status=OUTSTANDING).filter(in_post_condition(on, via="person"))
        .values("person_id").order_by()
        .annotate(owed=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=on)))
    )
    PersonSignOffCount.objects.all().delete()
    PersonSignOffCount.objects.bulk_create([PersonSignOffCount(**row) for row in per_person])
    CountsState.objects.all().delete()
    CountsState.objects.create(overdue_on=on)
