"""Who is reminded is decided in the database: a bounded number of queries
whatever the size of the trust, each obligation's next reminder date moved
on in bulk, nothing sent twice and nothing dropped."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from outbox.models import OutboxEmail
from outbox.services import deliver_email
from people.models import Role
from reminders.models import NextReminder, Reminder, ReminderRunLock
from reminders.services import send_reminders
from tests.factories import PersonFactory, RoleFactory, published_policy, sign_off_rule
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date(2026, 11, 25)

# The counts' roll (one row read when already rolled), the lock, the plan (a
# few queries a kind of reminder), the digests' emails and keys (an INSERT per
# 1,000), the sign-off reminders' emails and keys (an INSERT ... SELECT each)
# and next reminder dates moved (one upsert): none of them per person.
RUN_QUERIES = 27


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def next_reminder(obligation: Obligation) -> datetime.date | None:
    return NextReminder.objects.filter(obligation=obligation).values_list("day", flat=True).first()


def run(today=TODAY):
    fill_kept_counts(today)
    report = send_reminders(today=today)
    for email_id in report.email_ids:
        deliver_email(email_id)
    return report


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def staff_of(world, managers: list, staff: int) -> None:
    for n in range(staff):
        PersonFactory(schools=[world.north if n % 2 else world.south], line_manager=managers[n % len(managers)])


def owing_safeguarding_since_last_week() -> None:
    Obligation.objects.filter(policy__title="Safeguarding Policy").update(owed_since=days(-5), due_on=days(25))


def a_trust_of(world, staff: int) -> list:
    """`staff` people in two schools, each with a line manager, owing three
    policies (two overdue, one not yet due), a review coming due and one
    overdue: every kind of reminder. Returns the line managers."""
    managers = [PersonFactory(schools=[world.north]) for _ in range(3)]
    staff_of(world, managers, staff)
    sign_off_rule(published_policy(title="Email Policy", owner=world.owner, next_review_on=days(20)))
    sign_off_rule(published_policy(title="Data Protection Policy", owner=world.owner, next_review_on=days(-3)))
    sign_off_rule(published_policy(title="Safeguarding Policy"))
    owing_safeguarding_since_last_week()
    return managers


@pytest.mark.parametrize("staff", [5, 60])
def test_a_run_decides_and_queues_in_a_bounded_number_of_queries(world, staff, django_assert_max_num_queries):
    a_trust_of(world, staff)
    fill_kept_counts(TODAY)
    with django_assert_max_num_queries(RUN_QUERIES):
        report = send_reminders(today=TODAY)
    assert report.by_kind["sign_off"] >= staff
    assert set(report.by_kind) == {"sign_off", "review_overdue", "governance_digest", "hr_digest", "manager_digest"}


def test_twelve_times_the_people_take_the_same_queries(world):
    ReminderRunLock.objects.create(name="reminders")
    managers = a_trust_of(world, 5)
    fill_kept_counts(TODAY)
    with CaptureQueriesContext(connection) as small:
        few = send_reminders(today=TODAY)
    Reminder.objects.all().delete()
    OutboxEmail.objects.all().delete()
    NextReminder.objects.all().delete()
    staff_of(world, managers, 55)
    sync_obligations()
    owing_safeguarding_since_last_week()
    fill_kept_counts(TODAY)
    with CaptureQueriesContext(connection) as large:
        many = send_reminders(today=TODAY)
    assert many.by_kind["sign_off"] == few.by_kind["sign_off"] + 55
    # The sign-off reminders' emails and keys are written by INSERT ... SELECT,
    # whatever their number; the digests' few rows by batched INSERTs.
    assert len(large) == len(small)


def test_a_run_writes_one_reminder_per_person_not_per_obligation(world):
    a_trust_of(world, 10)
    report = run()
    assert Reminder.objects.filter(kind="sign_off").count() == report.by_kind["sign_off"]
    assert set(Reminder.objects.filter(kind="sign_off").values_list("key", flat=True)) >= {
        f"person:{world.staff.pk}:day:2026-11-25"}


def test_each_reminded_obligation_moves_to_its_next_stage(world):
    a_trust_of(world, 4)
    run()
    reminded = Obligation.objects.filter(status="outstanding", owed_since__lte=TODAY)
    assert reminded.exists()
    for obligation in reminded:
        gap = (next_reminder(obligation) - obligation.owed_since).days
        assert TODAY < next_reminder(obligation) <= days(7) and gap % 7 == 0, obligation.owed_since


def test_after_days_of_downtime_one_email_then_the_next_stage_from_owed_since(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    starter = PersonFactory(email="starter@school.example", schools=[world.north], start_date=TODAY)
    sync_obligations(person=starter, today=TODAY)
    run(today=days(17))  # the first run for 17 days: owed on day 0, stages 0, 1 and 2 passed
    assert len(to("starter@school.example")) == 1
    assert next_reminder(Obligation.objects.get(person=starter)) == days(21)
    for day in range(18, 21):
        run(today=days(day))
    assert len(to("starter@school.example")) == 1
    run(today=days(21))
    assert len(to("starter@school.example")) == 2


def test_an_obligation_owed_after_the_days_run_waits_for_the_next_day_not_dropped(world):
    sign_off_rule(published_policy(title="Email Policy"))
    run()
    assert len(to("staff@school.example")) == 1
    sign_off_rule(published_policy(title="Data Protection Policy"))  # owed the same day, after the run
    run()
    assert len(to("staff@school.example")) == 1  # one reminder a person a day
    run(today=days(1))
    (_, latest) = to("staff@school.example")
    assert "Data Protection Policy" in latest.body and "Email Policy" in latest.body
    owed = Obligation.objects.get(person=world.staff, policy__title="Data Protection Policy")
    assert days(1) < next_reminder(owed) <= days(8)


def test_someone_leaving_soon_is_reminded_until_their_last_day(world):
    sign_off_rule(published_policy(title="Email Policy"))
    world.staff.leave_date = days(5)
    world.staff.save()
    run()
    run(today=days(7))
    assert len(to("staff@school.example")) == 1


def test_an_hr_officer_who_has_left_gets_no_digest(world):
    sign_off_rule(published_policy(title="Email Policy"))
    world.school_hr.leave_date = TODAY
    world.school_hr.save()
    run(today=days(40))
    assert to("hr.north@school.example") == []
    digests = [m.subject for m in to("hr@school.example") if m.subject.startswith("Weekly digest")]
    assert digests == ["Weekly digest: 4 people have overdue sign-offs"]  # Hana, who left, is not counted


def test_a_line_manager_who_has_left_gets_no_digest(world):
    manager = PersonFactory(email="mia@school.example", schools=[world.north], leave_date=TODAY)
    world.staff.line_manager = manager
    world.staff.save()
    sign_off_rule(published_policy(title="Email Policy"))
    run(today=days(40))
    assert to("mia@school.example") == []


def test_a_governance_lead_role_at_a_school_covers_only_that_school(world):
    RoleFactory(person=PersonFactory(email="gov.south@school.example", schools=[world.south]),
                role=Role.GOVERNANCE_LEAD, organisation=world.south)
    published_policy(title="North Policy", organisation=world.north, next_review_on=days(-3))
    run()
    assert to("gov.south@school.example") == []
    assert [m.subject for m in to("governance@school.example")] == ["Weekly digest: 1 overdue policy review"]


def test_the_plan_read_one_by_one_names_what_the_run_writes(world):
    """faults/tool.py's expected result: the plan's emails one by one, the
    sign-off reminders among them, are the emails and keys the run writes."""
    from reminders.planning import plan_reminders

    a_trust_of(world, 6)
    fill_kept_counts(TODAY)
    planned = {(r.kind, r.key, e.recipient.email) for e in plan_reminders(TODAY).every_email() for r in e.reminders}
    send_reminders(today=TODAY)
    written = set(Reminder.objects.filter(email__isnull=False).values_list("kind", "key", "email__to"))
    assert planned == written
    assert {kind for kind, _, _ in planned} >= {"sign_off", "hr_digest", "manager_digest"}
