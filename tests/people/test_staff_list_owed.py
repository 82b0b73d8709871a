"""HR's staff list shows what each person owes from the kept counts, and its
paginator counts people, not their obligations."""

import datetime
import re

from django.urls import reverse

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def owed_cell(page: str, name: str) -> str:
    """The "Sign-offs owed" cell of the person's row, as text."""
    row = re.search(rf">{re.escape(name)}</a>.*?</tr>", page, re.S).group(0)
    cell = re.search(r'data-label="Sign-offs owed">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


def test_each_person_shows_what_they_owe_and_how_much_is_overdue(world, signed_in):
    for title in ("Email Policy", "Safeguarding", "Data Protection"):
        sign_off_rule(published_policy(title=title), new_starter_days=14, new_version_days=30)
    owed = [o.pk for o in Obligation.objects.filter(person=world.staff).order_by("pk")]
    Obligation.objects.filter(pk__in=owed[:2]).update(due_on=TODAY - 3 * DAY)
    Obligation.objects.filter(pk__in=owed[2:]).update(due_on=TODAY + 10 * DAY)
    signer = PersonFactory(first_name="Sig", last_name="Ner", schools=[world.north])
    sync_obligations()
    for obligation in Obligation.objects.filter(person=signer):
        view_and_sign(person=signer, version=obligation.version)
    PersonFactory(first_name="Nob", last_name="Ody", schools=[world.north], staff_group="trustee")
    fill_kept_counts()
    page = signed_in(world.school_hr).get(reverse("people:list")).content.decode()
    live = Obligation.objects.filter(person=world.staff, status=Obligation.Status.OUTSTANDING)
    assert live.count() == 3 and live.filter(due_on__lt=TODAY).count() == 2
    assert owed_cell(page, "Sam Staff") == "2 overdue 3 owed"
    assert owed_cell(page, "Sig Ner") == "0 owed"
    assert owed_cell(page, "Nob Ody") == "0 owed"  # owes nothing: no counts row at all


def test_a_leaver_shown_with_leavers_owes_nothing(world, signed_in):
    sign_off_rule(published_policy(title="Email Policy"))
    PersonFactory(first_name="Lee", last_name="Left", schools=[world.north], leave_date=TODAY - DAY)
    fill_kept_counts()
    client = signed_in(world.school_hr)
    client.post(reverse("people:list"), {"q": "", "school": "", "include_leavers": "on"})
    page = client.get(reverse("people:list"), {"include_leavers": "on"}).content.decode()
    assert "Lee Left" in page
    assert owed_cell(page, "Lee Left") == "0 owed"


def test_the_pages_count_is_a_count_of_people(world, signed_in, django_assert_max_num_queries):
    sign_off_rule(published_policy(title="Email Policy"))
    PersonFactory(first_name="Bo", last_name="Both", schools=[world.north, world.south])
    fill_kept_counts()
    client = signed_in(world.trust_hr)
    with django_assert_max_num_queries(15) as queries:
        page = client.get(reverse("people:list")).content.decode()
    # Sam, Hana, Bo (once, though in two schools), Tariq, Grace, Owen.
    assert '<p class="result-count" role="status">6 people</p>' in page
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("acknowledgements_obligation" in s for s in sql)
    count = next(s for s in sql if s.startswith("SELECT COUNT(*)"))
    assert "DISTINCT" not in count.split(" WHERE ")[0] and "GROUP BY" not in count


def test_a_person_in_two_schools_is_listed_once(world, signed_in):
    PersonFactory(first_name="Bo", last_name="Both", schools=[world.north, world.south])
    page = signed_in(world.trust_hr).get(reverse("people:list")).content.decode()
    assert page.count(">Bo Both</a>") == 1
