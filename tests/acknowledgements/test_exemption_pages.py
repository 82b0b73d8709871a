"""HR's pages for exempting someone and owing it again, and the person's
record's "Closed without signing" section."""

import datetime
import html

import pytest
from django.urls import reverse

from acknowledgements import exemptions
from acknowledgements.exemptions import exempt
from acknowledgements.models import Exemption, Obligation
from acknowledgements.owed import owed_from_scratch
from acknowledgements.services import sync_obligations
from people.models import User
from portal.demo import load_demo
from tests.factories import published_policy, sign_off_rule

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def owed(world):
    policy = published_policy(organisation=world.trust, title="Code of Conduct")
    sign_off_rule(policy)
    return Obligation.objects.get(person=world.staff, policy=policy)


def exempt_url(obligation) -> str:
    return reverse("acknowledgements:exempt", args=[obligation.pk])


def record(client, person) -> str:
    return client.get(reverse("people:detail", args=[person.pk])).content.decode()


def test_the_persons_record_offers_exempt_on_each_thing_owed(world, signed_in, owed):
    page = record(signed_in(world.school_hr), world.staff)
    assert f'href="{exempt_url(owed)}"' in page
    assert "Closed without signing" not in page  # nothing closed yet


def test_opening_the_exempt_link_changes_nothing(world, signed_in, owed):
    """An email scanner, or a curious click, follows the GET: it only shows the form."""
    response = signed_in(world.school_hr).get(exempt_url(owed))
    assert response.status_code == 200
    assert "Why need they not sign it?" in response.content.decode()
    owed.refresh_from_db()
    assert owed.status == "outstanding" and not Exemption.objects.exists()


def test_hr_exempts_with_a_reason_and_the_record_says_who_when_and_why(world, signed_in, owed):
    client = signed_in(world.school_hr)
    response = client.post(exempt_url(owed), {"reason": "On long-term sick leave\r\nuntil March"})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[world.staff.pk])
    page = record(client, world.staff)
    assert "Closed without signing" in page
    assert "Exempted by Hana North on 25 Nov 2026: On long-term sick leave\nuntil March" in page
    assert "Owe it again" in page
    assert Exemption.objects.get().reason == "On long-term sick leave\nuntil March"


def test_an_empty_reason_shows_the_form_again_with_why(world, signed_in, owed):
    response = signed_in(world.school_hr).post(exempt_url(owed), {"reason": "   "})
    assert response.status_code == 200
    assert exemptions.REASON_REQUIRED in response.content.decode()
    assert not Exemption.objects.exists()


def test_a_forged_post_by_staff_is_refused(world, signed_in, owed):
    response = signed_in(world.staff).post(exempt_url(owed), {"reason": "I would rather not"})
    assert response.status_code == 403
    owed.refresh_from_db()
    assert owed.status == "outstanding" and not Exemption.objects.exists()


def test_hr_is_not_offered_exempting_themselves_and_a_forged_post_is_refused(world, signed_in, owed):
    own = Obligation.objects.get(person=world.school_hr, policy=owed.policy)
    client = signed_in(world.school_hr)
    assert exempt_url(own) not in record(client, world.school_hr)
    assert client.post(exempt_url(own), {"reason": "Busy"}).status_code == 403
    assert not Exemption.objects.exists()


def test_a_second_exemption_of_the_same_obligation_says_it_is_closed(world, signed_in, owed):
    client = signed_in(world.school_hr)
    client.post(exempt_url(owed), {"reason": "On sick leave"})
    response = client.post(exempt_url(owed), {"reason": "Again"})
    assert response.status_code == 200
    assert exemptions.NOT_OUTSTANDING in response.content.decode()
    assert Exemption.objects.count() == 1


def test_owe_it_again_asks_first_then_makes_a_new_obligation(world, signed_in, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.trust_hr.user)
    client = signed_in(world.school_hr)
    url = reverse("acknowledgements:owe_again", args=[exemption.pk])
    assert f'href="{url}"' in record(client, world.staff)
    shown = client.get(url)
    assert shown.status_code == 200 and "On sick leave" in shown.content.decode()
    assert Obligation.objects.filter(person=world.staff, policy=owed.policy).count() == 1  # a GET changes nothing
    assert client.post(url).status_code == 302
    rows = list(Obligation.objects.filter(person=world.staff, policy=owed.policy).order_by("pk")
                .values_list("status", "closed_reason"))
    assert rows == [("withdrawn", "exempted"), ("outstanding", "")]
    page = record(client, world.staff)
    assert "(owed again since)" in page and f'href="{url}"' not in page
    again = client.post(url)
    assert "already owes" in again.content.decode()


def test_a_forged_owe_again_by_staff_is_refused(world, signed_in, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.trust_hr.user)
    response = signed_in(world.staff).post(reverse("acknowledgements:owe_again", args=[exemption.pk]))
    assert response.status_code == 403
    assert Obligation.objects.filter(person=world.staff, policy=owed.policy).count() == 1


def test_the_record_names_every_reason_an_obligation_closed(world, signed_in, owed):
    world.staff.leave_date = TODAY
    world.staff.save()
    sync_obligations(people=[world.staff.pk], today=TODAY)
    page = record(signed_in(world.school_hr), world.staff)
    assert "Left the trust (closed 25 Nov 2026)" in page
    assert "Owe it again" not in page


def test_the_record_costs_the_same_queries_however_many_closed(world, signed_in, owed,
                                                              django_assert_max_num_queries):
    client = signed_in(world.school_hr)
    exempt(obligation=owed, reason="On sick leave", by=world.trust_hr.user)
    with django_assert_max_num_queries(40) as few:
        record(client, world.staff)
    for n in range(5):
        policy = published_policy(organisation=world.trust, title=f"Policy {n}")
        sign_off_rule(policy)
        exempt(obligation=Obligation.objects.get(person=world.staff, policy=policy), reason=f"Reason {n}",
               by=world.trust_hr.user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        record(client, world.staff)


def test_the_demo_trust_shows_hr_two_exemptions_and_loading_it_again_adds_none(db, client):
    load_demo(today=TODAY)
    load_demo(today=TODAY)
    exemptions_made = list(Exemption.objects.select_related("person"))
    assert len(exemptions_made) == 2
    outstanding = set(Obligation.objects.filter(status="outstanding").values_list("person_id", "version_id", "period"))
    assert outstanding == owed_from_scratch(today=TODAY)
    client.force_login(User.objects.get(email="hr@oakfield.example"))
    page = record(client, exemptions_made[0].person)
    assert "Closed without signing" in page and html.escape(exemptions_made[0].reason) in page
