"""The compliance dashboard reads the kept counts and the kept days, and
shows what a live count of the obligations shows."""

import datetime

import pytest
from django.db.models import Count, F, Q
from django.urls import reverse

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from people.models import StaffGroup, in_post_condition
from policies.services import publish_version
from reports import compliance_days, selectors
from reports.models import ComplianceDay
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
SIGNED, OUTSTANDING, WITHDRAWN = Obligation.Status.SIGNED, Obligation.Status.OUTSTANDING, Obligation.Status.WITHDRAWN


def live_compliance_by(dimension, school_ids, today):
    """The dashboard's figures as they were computed before the counts were
    kept: an aggregate over every obligation (the reference)."""
    field = {"policy": "policy__title", "school": "person__schools__name", "group": "person__staff_group"}[dimension]
    rows = (
        Obligation.objects.filter(person__schools__in=school_ids, status__in=[SIGNED, OUTSTANDING],
                                  version__major=F("policy__current_version__major"))
        .filter(in_post_condition(today, via="person"))
        .values(field)
        .annotate(signed=Count("pk", filter=Q(status=SIGNED)), owed=Count("pk", filter=Q(status=OUTSTANDING)),
                  late=Count("pk", filter=Q(status=OUTSTANDING, due_on__lt=today)))
        .order_by(field)
    )
    labels = dict(StaffGroup.choices)
    return [(labels.get(row[field], row[field]) if dimension == "group" else row[field],
             row["signed"], row["owed"], row["late"]) for row in rows]


def live_day(school_ids, end):
    """One school's (or scope's) figures at the end of a past day, counted
    from the obligations' dates (the reference for the kept days)."""
    base = (Obligation.objects.filter(person__schools__in=school_ids, owed_since__lte=end).exclude(status=WITHDRAWN)
            .filter(in_post_condition(end, via="person")))
    still_open = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    return (base.filter(status=SIGNED, closed_on__lte=end).count(), base.filter(still_open).count(),
            base.filter(still_open, due_on__lt=end).count())


@pytest.fixture
def kept_as_it_happened(world):
    """Two policies (one moved to a new major, one with a minor edit), three
    staff groups, a person in both schools, a leaver, new starters not yet
    due, signed and overdue sign-offs."""
    email = published_policy(title="Email Policy")
    sign_off_rule(email, new_starter_days=14, new_version_days=30)
    safeguarding = published_policy(title="Safeguarding")
    sign_off_rule(safeguarding, groups=["teaching", "support"])
    ann = PersonFactory(first_name="Ann", last_name="North", schools=[world.north])
    both = PersonFactory(first_name="Bo", last_name="Both", staff_group=StaffGroup.SUPPORT,
                         schools=[world.north, world.south])
    PersonFactory(first_name="Lee", last_name="Left", schools=[world.south], leave_date=TODAY)
    PersonFactory(first_name="Nia", last_name="New", schools=[world.south], start_date=TODAY - 2 * DAY)
    lead = PersonFactory(first_name="Lou", last_name="Lead", staff_group=StaffGroup.LEADERSHIP, schools=[world.south])
    sync_obligations()
    view_and_sign(person=ann, version=email.current_version)
    view_and_sign(person=lead, version=email.current_version)
    view_and_sign(person=both, version=safeguarding.current_version)
    publish_version(VersionFactory(policy=email, label="2.0", body="## 1. A new major version"))
    email.refresh_from_db()
    view_and_sign(person=ann, version=email.current_version)
    publish_version(VersionFactory(policy=safeguarding, label="1.1", is_major=False, body="## 1. Minor edit"))
    sync_obligations()
    return world


@pytest.fixture
def busy_trust(kept_as_it_happened):
    fill_kept_counts()  # a full recount: these tests prove the reading
    return kept_as_it_happened


@pytest.mark.parametrize("dimension", ["policy", "school", "group"])
def test_the_counts_kept_as_people_sign_give_the_live_figures(kept_as_it_happened, dimension):
    """No recount: the services kept the counts as the world was built."""
    world = kept_as_it_happened
    scope = [world.trust.pk, world.north.pk, world.south.pk]
    kept = [(c.label, c.signed, c.outstanding, c.overdue) for c in selectors.compliance_by(dimension, scope)]
    assert kept == live_compliance_by(dimension, scope, TODAY)


@pytest.mark.parametrize("dimension", ["policy", "school", "group"])
def test_the_figures_from_kept_counts_equal_a_live_count(busy_trust, dimension):
    world = busy_trust
    for scope in ([world.trust.pk, world.north.pk, world.south.pk], [world.north.pk], [world.south.pk]):
        kept = [(c.label, c.signed, c.outstanding, c.overdue) for c in selectors.compliance_by(dimension, scope)]
        assert kept == live_compliance_by(dimension, scope, TODAY)
        assert kept  # the world is not empty: the comparison proves something


def test_a_person_in_two_schools_counts_in_each(busy_trust):
    world = busy_trust
    by_school = {c.label: c for c in selectors.compliance_by("school", [world.north.pk, world.south.pk])}
    # Bo (both schools) signed Safeguarding: once at North, once at South.
    assert by_school["North Primary"].signed >= 1 and by_school["South Academy"].signed >= 1
    assert by_school["North Primary"].total + by_school["South Academy"].total == sum(
        live[1] + live[2] for live in live_compliance_by("school", [world.north.pk, world.south.pk], TODAY))


@pytest.fixture
def history(world):
    """Obligations whose dates span the trend's twelve weeks: signed along the
    way, overdue, owed already past due, withdrawn, and a leaver mid-way."""
    policy = published_policy(title="Email Policy")
    version = policy.current_version
    start = TODAY - 90 * DAY
    cases = [
        # owed_since, due_on, status, closed_on
        (start, start + 30 * DAY, SIGNED, start + 10 * DAY),
        (start, start + 30 * DAY, SIGNED, start + 50 * DAY),  # signed late: overdue for 20 days
        (start, start + 30 * DAY, OUTSTANDING, None),  # overdue ever since
        (start + 20 * DAY, start + 10 * DAY, OUTSTANDING, None),  # owed already past its due date
        (start + 40 * DAY, start + 41 * DAY, SIGNED, start + 42 * DAY),  # signed the day after it was due
        (start + 40 * DAY, start + 70 * DAY, WITHDRAWN, start + 60 * DAY),  # never counts
        (start + 60 * DAY, start + 60 * DAY, SIGNED, start + 60 * DAY),  # signed the day it was owed
        (TODAY - 3 * DAY, TODAY + 11 * DAY, OUTSTANDING, None),
        (start - 200 * DAY, start - 170 * DAY, SIGNED, start - 180 * DAY),  # before the window
    ]
    stayer = PersonFactory(first_name="Stay", schools=[world.north])
    leaver = PersonFactory(first_name="Gone", schools=[world.north, world.south], leave_date=start + 45 * DAY)
    other = PersonFactory(first_name="South", staff_group=StaffGroup.SUPPORT, schools=[world.south])
    for person in (stayer, leaver, other):
        for n, (owed_since, due_on, status, closed_on) in enumerate(cases):
            Obligation.objects.create(person=person, policy=policy, version=version, period=str(2000 + n),
                                      reason=Obligation.Reason.ANNUAL, owed_since=owed_since, due_on=due_on,
                                      status=status, closed_on=closed_on)
    fill_kept_counts()
    return world


def test_reconstructed_days_equal_a_live_count_of_each_day(history):
    world = history
    days = [TODAY - n * DAY for n in range(95, 0, -1)]
    figures = compliance_days.reconstruct([world.north.pk, world.south.pk], days)
    for school in (world.north, world.south):
        assert figures[school.pk] == [live_day([school.pk], day) for day in days], school
    assert any(overdue for _, _, overdue in figures[world.north.pk])


def test_the_trend_is_reconstructed_once_then_read_from_the_kept_days(history, django_assert_max_num_queries):
    world = history
    scope = [world.trust.pk, world.north.pk, world.south.pk]
    selectors.refresh_dashboard(scope, today=TODAY)
    weeks = selectors.trend(scope, today=TODAY)
    ends = [TODAY - 7 * n * DAY for n in range(11, 0, -1)]
    assert [(w.signed, w.outstanding, w.overdue) for w in weeks[:-1]] == [live_day(scope, end) for end in ends]
    assert weeks[-1].label == TODAY.strftime("%-d %b")
    # Every day of the window is stored, so tomorrow's trend reconstructs nothing.
    assert ComplianceDay.objects.filter(school=world.north).count() == 11 * 7 + 1
    assert compliance_days.fill_missing_days(scope, first=ends[0] + DAY, last=TODAY) == 0


def test_todays_trend_point_is_the_kept_counts(history):
    world = history
    scope = [world.north.pk, world.south.pk]
    selectors.refresh_dashboard(scope, today=TODAY)
    today = selectors.trend(scope, today=TODAY)[-1]
    totals = selectors.compliance_by("school", scope)
    assert (today.signed, today.outstanding, today.overdue) == (
        sum(c.signed for c in totals), sum(c.outstanding for c in totals), sum(c.overdue for c in totals))
    assert (today.signed, today.outstanding, today.overdue) == live_day(scope, TODAY)


def test_a_stored_day_is_not_rewritten_by_a_later_refresh(history):
    world = history
    scope = [world.north.pk]
    selectors.refresh_dashboard(scope, today=TODAY)
    ComplianceDay.objects.filter(school=world.north, day=TODAY - 7 * DAY).update(signed=999)
    selectors.refresh_dashboard(scope, today=TODAY)
    assert selectors.trend(scope, today=TODAY)[-2].signed == 999


def test_the_refresh_reads_a_few_queries_however_large_the_trust(history, django_assert_max_num_queries):
    world = history
    scope = [world.trust.pk, world.north.pk, world.south.pk]
    selectors.refresh_dashboard(scope, today=TODAY)
    with django_assert_max_num_queries(15) as few:
        selectors.refresh_dashboard(scope, today=TODAY)
    policy = published_policy(title="Another Policy")
    for n in range(20):
        person = PersonFactory(first_name=f"Extra{n}", schools=[world.north if n % 2 else world.south])
        Obligation.objects.create(person=person, policy=policy, version=policy.current_version,
                                  reason=Obligation.Reason.NEW_STARTER, owed_since=TODAY - 40 * DAY,
                                  due_on=TODAY - 20 * DAY)
    fill_kept_counts()
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.refresh_dashboard(scope, today=TODAY)


def test_the_refresh_rolls_the_counts_overdue_to_today(world):
    from acknowledgements.models import CountsState

    policy = published_policy(title="Email Policy")
    Obligation.objects.create(person=world.staff, policy=policy, version=policy.current_version,
                              reason=Obligation.Reason.NEW_STARTER, owed_since=TODAY - 20 * DAY, due_on=TODAY - DAY)
    fill_kept_counts(TODAY - 3 * DAY)  # the counts as of three days ago: not yet overdue
    assert selectors.compliance_by("school", [world.north.pk])[0].overdue == 0
    selectors.refresh_dashboard([world.north.pk], today=TODAY)
    assert CountsState.objects.get().overdue_on == TODAY
    assert selectors.compliance_by("school", [world.north.pk])[0].overdue == 1


def test_the_dashboard_page_shows_the_kept_figures(busy_trust, signed_in):
    world = busy_trust
    page = signed_in(world.school_hr).get(reverse("reports:dashboard")).content.decode()
    live = {label: (signed, owed) for label, signed, owed, _ in live_compliance_by("school", [world.north.pk], TODAY)}
    north = live["North Primary"]
    percent = round(100 * north[0] / (north[0] + north[1]))
    assert f'<th scope="row" data-label="School">North Primary</th><td data-label="Signed">{north[0]}</td>' in page
    assert f"{percent}%" in page
