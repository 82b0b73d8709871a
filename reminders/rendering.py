"""What a reminder email says, worked out when the outbox delivers it from the
ids the run queued (reminders.planning): the data as it is then. What was
signed or reviewed in between is left out; an email with nothing left to say
is not sent (outbox.context.NothingToSay, with the reason kept on the email).

Registered with the outbox in RemindersConfig.ready. Each builder is a few
queries whatever the size of the trust: digests read the kept counts and at
most DIGEST_NAMES names, never a row per obligation."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet, Sum

from acknowledgements.models import Obligation, PersonSignOffCount, SignOffCount
from outbox.context import NothingToSay, add_context_builder
from people.models import Organisation, Person, StaffGroup, in_post_condition
from policies.models import Policy
from reminders.models import Reminder
from reminders.planning import (
    GOVERNANCE_DIGEST_TEMPLATE,
    HR_DIGEST_TEMPLATE,
    MANAGER_DIGEST_TEMPLATE,
    REVIEW_TEMPLATE,
    SIGN_OFF_TEMPLATE,
    governance_digest_subject,
    overdue_people_subject,
    review_subject,
)

Kind = Reminder.Kind

# The longest-overdue sign-offs a digest names; the counts say the rest.
DIGEST_NAMES = 50

# Why an email was not sent, kept on it (outbox: "Not sent: ...").
NOTHING_OWED = "everything it listed was signed or is no longer owed"
HAS_LEFT = "the person has left"
REVIEWS_DONE = "every review it listed has been done or has moved"
NONE_OVERDUE = "nothing it covers is overdue any more"


def _today(email) -> datetime.date:
    """The run's day, which the email is about; and the recipient must still
    be in post on it (a leave date recorded since, back-dated, stops it)."""
    today, person = datetime.date.fromisoformat(email.context["today"]), email.recipient
    if person.leave_date is not None and person.leave_date <= today:
        raise NothingToSay(HAS_LEFT)
    return today


def sign_off_context(email) -> dict:
    today, person = _today(email), email.recipient
    owed = list(
        Obligation.objects.filter(person=person, status=Obligation.Status.OUTSTANDING, owed_since__lte=today)
        .select_related("policy", "version").defer("version__body").order_by("due_on", "policy__title", "pk")
    )
    if not owed:
        raise NothingToSay(NOTHING_OWED)
    overdue = sum(1 for o in owed if o.due_on < today)
    subject = (f"{len(owed)} polic{'y' if len(owed) == 1 else 'ies'} to read and sign"
               + (f" ({overdue} overdue)" if overdue else ""))
    return {"subject": subject, "why": Kind.SIGN_OFF, "today": today, "obligations": owed}


def review_context(email) -> dict:
    today = _today(email)
    about = {pk: datetime.date.fromisoformat(due) for pk, due in email.context["policies"]}
    policies = [
        p for p in Policy.objects.filter(pk__in=about, owner=email.recipient, current_version__isnull=False)
        .order_by("next_review_on", "title")
        if p.next_review_on == about[p.pk]
    ]
    if not policies:
        raise NothingToSay(REVIEWS_DONE)
    subject = review_subject(count=len(policies), overdue=any(p.next_review_on < today for p in policies))
    return {"subject": subject, "why": Kind.REVIEW_DUE, "today": today, "policies": policies}


def governance_digest_context(email) -> dict:
    today = _today(email)
    policies = list(
        Policy.objects.filter(pk__in=email.context["policies"], next_review_on__lt=today,
                              current_version__isnull=False)
        .select_related("owner").order_by("next_review_on", "title")
    )
    if not policies:
        raise NothingToSay(REVIEWS_DONE)
    return {"subject": governance_digest_subject(len(policies)), "why": Kind.GOVERNANCE_DIGEST, "today": today,
            "policies": policies}


def _longest_overdue(obligations: QuerySet[Obligation], today: datetime.date) -> list[Obligation]:
    """The DIGEST_NAMES sign-offs overdue longest, read down the (status,
    due_on) index: a few pages of it, not every overdue row."""
    return list(
        obligations.filter(status=Obligation.Status.OUTSTANDING, due_on__lt=today)
        .filter(in_post_condition(today, via="person"))
        .select_related("person", "policy", "version")
        .only("due_on", "person__first_name", "person__last_name", "policy__title", "version__label")
        .order_by("due_on", "person__last_name", "pk")[:DIGEST_NAMES]
    )


def hr_digest_context(email) -> dict:
    """Overdue sign-offs in the HR officer's schools, counted by school, by
    policy and by staff group (from SignOffCount: one row per school x
    version x group), each with a link to the outstanding list filtered to
    it, and the longest overdue by name. A person in two of the schools is
    counted in each, as the outstanding list lists them under each."""
    today, schools = _today(email), email.context["schools"]
    counts = SignOffCount.objects.filter(school_id__in=schools, overdue__gt=0).order_by()
    by_school = list(counts.values("school__name", "school__slug", "school__kind").annotate(overdue=Sum("overdue"))
                     .order_by("-overdue", "school__name"))
    if not by_school:
        raise NothingToSay(NONE_OVERDUE)
    by_policy = list(counts.values("policy__title", "policy__slug").annotate(overdue=Sum("overdue"))
                     .order_by("-overdue", "policy__title"))
    groups = dict(StaffGroup.choices)
    by_group = [{"label": groups.get(row["staff_group"], row["staff_group"]), **row}
                for row in counts.values("staff_group").annotate(overdue=Sum("overdue"))
                .order_by("-overdue", "staff_group")]
    in_scope = Person.objects.filter(schools__in=schools).values("pk")
    people = (PersonSignOffCount.objects.filter(overdue__gt=0, person__in=in_scope)
              .filter(in_post_condition(today, via="person")).count())
    return {
        "subject": overdue_people_subject(people) if people else "Weekly digest: overdue sign-offs",
        "why": Kind.HR_DIGEST, "today": today, "people": people,
        "overdue": sum(row["overdue"] for row in by_school),
        "by_school": [{**row, "is_school": row["school__kind"] == Organisation.Kind.SCHOOL} for row in by_school],
        "by_policy": by_policy, "by_group": by_group,
        "longest": _longest_overdue(Obligation.objects.filter(person__in=in_scope), today),
    }


def manager_digest_context(email) -> dict:
    """Overdue sign-offs of the people who report to the recipient, from
    PersonSignOffCount, and the longest overdue by name."""
    today, manager = _today(email), email.recipient
    totals = (PersonSignOffCount.objects.filter(overdue__gt=0, person__line_manager=manager)
              .filter(in_post_condition(today, via="person"))
              .aggregate(people=Count("pk"), overdue=Sum("overdue")))
    if not totals["people"]:
        raise NothingToSay(NONE_OVERDUE)
    return {
        "subject": overdue_people_subject(totals["people"]), "why": Kind.MANAGER_DIGEST, "today": today,
        "people": totals["people"], "overdue": totals["overdue"],
        "longest": _longest_overdue(Obligation.objects.filter(person__line_manager=manager), today),
    }


def register() -> None:
    for template, build in [
        (SIGN_OFF_TEMPLATE, sign_off_context),
        (REVIEW_TEMPLATE, review_context),
        (GOVERNANCE_DIGEST_TEMPLATE, governance_digest_context),
        (HR_DIGEST_TEMPLATE, hr_digest_context),
        (MANAGER_DIGEST_TEMPLATE, manager_digest_context),
    ]:
        add_context_builder(template, build)
