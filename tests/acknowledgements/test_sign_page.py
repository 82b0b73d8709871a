"""My policies, the sign page and receipts, as staff see them."""

import pytest
from django.db import connection
from django.urls import reverse

from acknowledgements import chain
from acknowledgements.forms import MUST_CONFIRM
from acknowledgements.models import ChainHead, SignOff
from acknowledgements.services import NOT_CURRENT
from acknowledgements.views import NO_STAFF_RECORD
from people.models import Role
from tests.factories import PersonFactory, RoleFactory, published_policy, sign_off_rule, view_and_sign


@pytest.fixture
def email_policy(world):
    policy = published_policy(title="Email Policy", body="## 1. Phishing\n\n1.1 Report phishing at once.")
    sign_off_rule(policy)
    return policy


def test_my_policies_lists_what_i_owe(world, signed_in, email_policy):
    page = signed_in(world.staff).get(reverse("acknowledgements:mine")).content.decode()
    assert "Email Policy" in page
    assert "Read and sign" in page
    assert "You have <strong>1</strong> policy to read and sign" in page


def test_my_policies_says_when_i_am_up_to_date(world, signed_in, email_policy):
    view_and_sign(person=world.staff, version=email_policy.current_version)
    page = signed_in(world.staff).get(reverse("acknowledgements:mine")).content.decode()
    assert "You are up to date" in page
    assert "Email Policy" in page  # under Signed


def test_sign_page_shows_the_text_then_the_statement(world, signed_in, email_policy):
    page = signed_in(world.staff).get(reverse("acknowledgements:sign", args=[email_policy.slug]))
    html = page.content.decode()
    assert "Report phishing at once." in html
    statement = "I confirm that I have read and understood the Email Policy, version 1.0."
    assert statement in html
    assert html.index("Report phishing at once.") < html.index(statement)


def test_signing_records_and_shows_the_receipt(world, signed_in, email_policy):
    client = signed_in(world.staff)
    url = reverse("acknowledgements:sign", args=[email_policy.slug])
    client.get(url)  # opens the text
    response = client.post(url, {"version": email_policy.current_version.pk, "confirm": "on"},
                           HTTP_USER_AGENT="Phone browser", follow=True)
    sign_off = SignOff.objects.get()
    assert response.redirect_chain[-1][0] == reverse("acknowledgements:receipt", args=[sign_off.pk])
    assert "Sam Staff signed the Email Policy, version 1.0." in response.content.decode()
    assert sign_off.user_agent == "Phone browser"
    assert sign_off.ip_address == "127.0.0.1"


def test_signing_without_ticking_the_box_is_refused(world, signed_in, email_policy):
    response = signed_in(world.staff).post(
        reverse("acknowledgements:sign", args=[email_policy.slug]), {"version": email_policy.current_version.pk}
    )
    assert MUST_CONFIRM in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_resubmitted_form_makes_one_record(world, signed_in, email_policy):
    client = signed_in(world.staff)
    url = reverse("acknowledgements:sign", args=[email_policy.slug])
    data = {"version": email_policy.current_version.pk, "confirm": "on"}
    client.get(url)  # opens the text
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert SignOff.objects.count() == 1
    assert "You have already signed version 1.0 of the Email Policy." in response.content.decode()


def test_signing_a_version_that_was_replaced_meanwhile_is_refused(world, signed_in, email_policy):
    response = signed_in(world.staff).post(
        reverse("acknowledgements:sign", args=[email_policy.slug]), {"version": 999999, "confirm": "on"}, follow=True
    )
    assert NOT_CURRENT in response.content.decode()
    assert not SignOff.objects.exists()


def test_receipt_downloads_as_a_file(world, signed_in, email_policy):
    sign_off, _ = view_and_sign(person=world.staff, version=email_policy.current_version)
    response = signed_in(world.staff).get(reverse("acknowledgements:receipt_download", args=[sign_off.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert sign_off.content_hash in text
    assert "Email Policy" in text


def test_staff_cannot_open_someone_elses_receipt(world, signed_in, email_policy):
    colleague = PersonFactory(schools=[world.north])
    sign_off, _ = view_and_sign(person=colleague, version=email_policy.current_version)
    client = signed_in(world.staff)
    assert client.get(reverse("acknowledgements:receipt", args=[sign_off.pk])).status_code == 404
    assert client.get(reverse("acknowledgements:receipt_download", args=[sign_off.pk])).status_code == 404


def test_a_schools_hr_can_open_its_staffs_receipts_but_not_another_schools(world, signed_in, email_policy):
    south_teacher = PersonFactory(schools=[world.south])
    own, _ = view_and_sign(person=world.staff, version=email_policy.current_version)
    other, _ = view_and_sign(person=south_teacher, version=email_policy.current_version)
    client = signed_in(world.school_hr)
    assert client.get(reverse("acknowledgements:receipt", args=[own.pk])).status_code == 200
    assert client.get(reverse("acknowledgements:receipt", args=[other.pk])).status_code == 404


def test_trust_hr_can_open_any_receipt(world, signed_in, email_policy):
    south_teacher = PersonFactory(schools=[world.south])
    sign_off, _ = view_and_sign(person=south_teacher, version=email_policy.current_version)
    assert signed_in(world.trust_hr).get(reverse("acknowledgements:receipt", args=[sign_off.pk])).status_code == 200


def test_a_login_without_a_staff_record_has_nothing_to_sign(world, signed_in):
    response = signed_in(world.outsider).get(reverse("acknowledgements:mine"))
    assert response.status_code == 403
    assert NO_STAFF_RECORD in response.content.decode()


def test_my_policies_query_count_does_not_grow(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.staff)
    for n in range(3):
        sign_off_rule(published_policy(title=f"Policy {n}"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("acknowledgements:mine"))
    for n in range(3, 20):
        policy = published_policy(title=f"Policy {n}")
        sign_off_rule(policy)
        if n % 2:
            view_and_sign(person=world.staff, version=policy.current_version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("acknowledgements:mine"))


def test_hr_role_does_not_hide_my_own_policies(world, signed_in, email_policy):
    RoleFactory(person=world.staff, role=Role.HR, organisation=world.north)
    assert "Email Policy" in signed_in(world.staff).get(reverse("acknowledgements:mine")).content.decode()


def test_policy_page_says_who_must_sign_it(world, signed_in):
    import datetime

    policy = published_policy(title="Safeguarding Policy")
    sign_off_rule(policy, groups=["teaching", "volunteer"], new_starter_days=7,
                  annual_from=datetime.date(2025, 9, 1))
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert ("Teaching, Volunteer: new starters within 7 days; each new major version within 30 days; "
            "again every year from 1 September.") in page


def test_the_sign_off_post_runs_a_fixed_few_queries(world, signed_in, email_policy, django_assert_max_num_queries):
    """The POST people wait for on an inset day: the session, the login with its
    person, the obligation with its policy and version, the adoption, the
    opening, the record, the kept counts and the seal, each once. PostgreSQL
    holds the counts' day and the signer in one statement, reads and updates
    the obligation in a second, adds both counters in a third, and finds the
    chain and seals in a fourth; SQLite takes two, two, two and four."""
    client = signed_in(world.staff)
    url = reverse("acknowledgements:sign", args=[email_policy.slug])
    version = email_policy.current_version.pk
    client.get(url)
    with django_assert_max_num_queries(12 if connection.vendor == "postgresql" else 18):
        response = client.post(url, {"version": version, "confirm": "on"})
    assert response.status_code == 302
    assert SignOff.objects.filter(person=world.staff).exists()


def test_the_sign_page_asks_once_for_the_obligation_and_the_school_s_adoption(
        world, signed_in, email_policy, django_assert_max_num_queries):
    """The text, the due date and the "not adopted yet" line share one read
    of the obligation and one of the adoption in force (the line's own
    question is about earlier versions' adoptions)."""
    ChainHead.objects.create(chain=chain.chain_for(world.staff), last_hash=chain.GENESIS)  # not the first seal
    client = signed_in(world.staff)
    url = reverse("acknowledgements:sign", args=[email_policy.slug])
    with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 18) as captured:
        page = client.get(url).content.decode()
    assert "please sign by" in page
    tables = [query["sql"].split(" FROM ", 1)[1].split()[0] for query in captured.captured_queries
              if query["sql"].startswith("SELECT") and " FROM " in query["sql"]]
    assert tables.count('"acknowledgements_obligation"') == 1, tables
    assert tables.count('"adoptions_adoption"') == 2, tables
