"""The outstanding list is read the fast way (from the school's people, or in
due-date order for the whole trust) and gives exactly the rows a plain query
gives, in the same order, for every filter and sort; its total comes from the
kept counts where they can say."""

import datetime
import itertools

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from people.models import StaffGroup, in_post_condition
from reports import selectors
from reports.selectors import SORTS, OutstandingFilters
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def plain_outstanding(school_ids, filters, today=TODAY):
    """The list as a plain query: every outstanding obligation of a person in
    post, once per school of theirs in scope, filtered and sorted by the
    columns themselves (the reference)."""
    rows = (Obligation.objects.filter(status=Obligation.Status.OUTSTANDING, person__schools__in=school_ids)
            .filter(in_post_condition(today, via="person"))
            .annotate(school_slug=F("person__schools__slug"), school_name=F("person__schools__name"),
                      person_name=Concat("person__first_name", Value(" "), "person__last_name")))
    if filters.school:
        rows = rows.filter(school_slug=filters.school)
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
    order = [f"-{f}" if filters.descending else f for f in SORTS[filters.sort]]
    return list(rows.order_by(*order, "pk", "school_slug").values_list("pk", "school_slug"))


@pytest.fixture
def crowded_trust(world):
    """Many sign-offs due on the same day (ties the sort must settle the same
    way), a person in both schools, trust staff, a leaver, new starters with
    different start dates, three staff groups and two policies."""
    email = published_policy(title="Email Policy", slug="email")
    sign_off_rule(email, new_starter_days=14, new_version_days=30)
    safeguarding = published_policy(title="Safeguarding", slug="safeguarding")
    sign_off_rule(safeguarding, groups=["teaching", "support"], new_starter_days=7)
    for n, name in enumerate(["Adams", "Baker", "Adams", "Cole", "Baker"]):
        PersonFactory(first_name=f"N{n}", last_name=name, schools=[world.north],
                      staff_group=[StaffGroup.TEACHING, StaffGroup.SUPPORT, StaffGroup.LEADERSHIP][n % 3])
        PersonFactory(first_name=f"S{n}", last_name=name, schools=[world.south],
                      start_date=TODAY - (5 + 3 * n) * DAY)  # new starters, due in the future or just past
    both = PersonFactory(first_name="Bo", last_name="Both", schools=[world.north, world.south])
    PersonFactory(first_name="Lee", last_name="Left", schools=[world.north], leave_date=TODAY)
    PersonFactory(first_name="Tia", last_name="Trust", schools=[world.trust], staff_group=StaffGroup.SUPPORT)
    sync_obligations()
    view_and_sign(person=both, version=email.current_version)
    fill_kept_counts()
    return world


FILTERS = [
    OutstandingFilters(),
    OutstandingFilters(school="north"),
    OutstandingFilters(school="south"),
    OutstandingFilters(policy="email"),
    OutstandingFilters(group="support"),
    OutstandingFilters(overdue=True),
    OutstandingFilters(new_starters=True),
    OutstandingFilters(started_from=TODAY - 12 * DAY),
    OutstandingFilters(started_to=TODAY - 12 * DAY),
    OutstandingFilters(school="south", policy="safeguarding", group="teaching", overdue=True),
    OutstandingFilters(school="north", new_starters=True, started_from=TODAY - 30 * DAY),
]


@pytest.mark.parametrize("few_schools", [selectors.FEW_SCHOOLS, 0], ids=["narrow", "wide"])
def test_every_filter_and_sort_gives_the_plain_querys_rows_in_its_order(crowded_trust, monkeypatch, few_schools):
    world = crowded_trust
    monkeypatch.setattr(selectors, "FEW_SCHOOLS", few_schools)
    scopes = [[world.trust.pk, world.north.pk, world.south.pk], [world.north.pk], [world.north.pk, world.south.pk]]
    compared = 0
    for scope, base, sort, descending in itertools.product(scopes, FILTERS, SORTS, [False, True]):
        filters = OutstandingFilters(**{**base.__dict__, "sort": sort, "descending": descending})
        got = list(selectors.outstanding(scope, filters, today=TODAY).values_list("pk", "school_slug"))
        assert got == plain_outstanding(scope, filters), (scope, filters)
        compared += bool(got)
    assert compared > 200  # most combinations have rows: the comparison proves something


def test_a_person_in_two_schools_is_listed_once_under_each(crowded_trust):
    world = crowded_trust
    rows = selectors.outstanding([world.north.pk, world.south.pk], OutstandingFilters(policy="safeguarding"))
    assert sorted(o.school_slug for o in rows if o.person_name == "Bo Both") == ["north", "south"]
    rows = selectors.outstanding([world.north.pk, world.south.pk], OutstandingFilters(school="south"))
    assert [o.school_slug for o in rows if o.person_name == "Bo Both"] == ["south"]


@pytest.mark.parametrize("filters", FILTERS[:6] + FILTERS[9:10], ids=lambda f: repr(f)[19:70])
def test_the_total_from_the_kept_counts_equals_the_rows(crowded_trust, filters):
    world = crowded_trust
    for scope in ([world.trust.pk, world.north.pk, world.south.pk], [world.north.pk], [world.south.pk]):
        assert selectors.outstanding_total(scope, filters) == len(plain_outstanding(scope, filters)), scope


@pytest.mark.parametrize("filters", FILTERS[6:9] + FILTERS[10:], ids=lambda f: repr(f)[19:70])
def test_filters_the_counts_do_not_keep_are_counted_live(crowded_trust, filters):
    assert selectors.outstanding_total([crowded_trust.north.pk], filters) is None


def test_counts_not_yet_rolled_to_today_are_not_trusted(crowded_trust):
    from acknowledgements.models import CountsState

    CountsState.objects.update(overdue_on=TODAY - DAY)
    assert selectors.outstanding_total([crowded_trust.north.pk], OutstandingFilters()) is None


def _counts_obligations(queries) -> bool:
    return any("COUNT(" in q["sql"].upper() and "acknowledgements_obligation" in q["sql"] for q in queries)


def test_the_page_takes_its_total_from_the_kept_counts(crowded_trust, signed_in, django_assert_max_num_queries):
    world = crowded_trust
    client = signed_in(world.trust_hr)
    expected = len(plain_outstanding([world.trust.pk, world.north.pk, world.south.pk],
                                     OutstandingFilters(school="south", overdue=True)))
    with django_assert_max_num_queries(20) as queries:
        page = client.get(reverse("reports:outstanding"), {"school": "south", "overdue": "on"}).content.decode()
    assert f"{expected} outstanding sign-off" in page and expected > 1
    assert not _counts_obligations(queries.captured_queries)


def test_the_page_counts_new_starters_live(crowded_trust, signed_in, django_assert_max_num_queries):
    world = crowded_trust
    client = signed_in(world.trust_hr)
    expected = len(plain_outstanding([world.trust.pk, world.north.pk, world.south.pk],
                                     OutstandingFilters(new_starters=True)))
    with django_assert_max_num_queries(20) as queries:
        page = client.get(reverse("reports:outstanding"), {"new_starters": "on"}).content.decode()
    assert f"{expected} outstanding sign-off" in page and expected > 1
    assert _counts_obligations(queries.captured_queries)


def test_the_pages_queries_do_not_grow_with_the_trust(crowded_trust, signed_in, django_assert_max_num_queries):
    world = crowded_trust
    client = signed_in(world.school_hr)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("reports:outstanding"), {"sort": "person"})
    for n in range(40):
        PersonFactory(first_name=f"More{n}", schools=[world.north, world.south] if n % 5 == 0 else [world.north])
    sign_off_rule(published_policy(title="Another Policy"))
    fill_kept_counts()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reports:outstanding"), {"sort": "person"}).content.decode()
    assert "Page 1 of" in page or "page=2" in page


def test_the_filters_keep_what_was_chosen(crowded_trust, signed_in):
    client = signed_in(crowded_trust.trust_hr)
    page = client.get(reverse("reports:outstanding"), {"school": "south", "group": "support"}).content.decode()
    assert '<label for="id_school">School:</label><select name="school" id="id_school">' in page
    assert '<option value="south" selected>South Academy</option>' in page
    assert '<option value="north">North Primary</option>' in page
    assert '<option value="support" selected>Support</option>' in page
    assert '<option value="" selected>All policies</option>' in page
    page = client.get(reverse("reports:outstanding"), {"policy": "no-such-policy"}).content.decode()
    assert '<select name="policy" id="id_policy" aria-invalid="true">' in page
