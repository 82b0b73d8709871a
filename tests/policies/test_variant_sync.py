"""Who owes which text: the sign-off rule maps staff groups to a variant's
key; sync gives each new obligation the variant its person's group maps to
in the current version (the full text otherwise), and moves outstanding
obligations when the mapping changes. Signing and opening pin the variant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acknowledgements.models import Obligation, SignOff, Viewing
from acknowledgements.services import SignOffRefused, record_sign_off, sync_obligations
from acknowledgements.signed_text import text_to_sign
from approvals.services import start_draft
from people.models import StaffGroup
from policies.models import VersionVariant, content_hash
from tests.factories import PersonFactory, view, view_and_sign
from tests.policies.variant_world import ANNEX_TEXT, ANNEX_TITLE, FULL_TEXT, safeguarding_with_annex


@pytest.fixture
def volunteer(world):
    return PersonFactory(first_name="Val", last_name="Volunteer", email="val@school.example",
                         staff_group=StaffGroup.VOLUNTEER, job_title="Reading volunteer", schools=[world.north])


def owed(person, policy) -> Obligation:
    return Obligation.objects.select_related("variant").get(person=person, policy=policy,
                                                             status=Obligation.Status.OUTSTANDING)


def test_a_volunteer_owes_the_annex_and_a_teacher_the_full_text(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    assert owed(volunteer, policy).variant.title == ANNEX_TITLE
    assert owed(world.staff, policy).variant is None  # Sam Staff teaches


def test_a_group_the_rule_does_not_map_owes_the_full_text(world):
    support = PersonFactory(staff_group=StaffGroup.SUPPORT, schools=[world.north])
    policy = safeguarding_with_annex(world.trust, mapping={"volunteer": "annex-a"})
    assert owed(support, policy).variant is None


def test_a_key_the_current_version_lacks_means_the_full_text(world, volunteer):
    policy = safeguarding_with_annex(world.trust, mapping={"volunteer": "annex-b"})
    assert owed(volunteer, policy).variant is None


def test_a_changed_mapping_moves_outstanding_obligations_and_back(world, volunteer):
    policy = safeguarding_with_annex(world.trust, mapping={})
    assert owed(volunteer, policy).variant is None
    rule = policy.sign_off_rule
    rule.variant_groups = {"volunteer": "annex-a"}
    rule.save()
    sync_obligations(policy=policy)
    moved = owed(volunteer, policy)
    assert moved.variant.key == "annex-a"
    assert Obligation.objects.filter(person=volunteer, policy=policy).count() == 1  # the same obligation, moved
    rule.variant_groups = {}
    rule.save()
    sync_obligations(policy=policy)
    assert owed(volunteer, policy).variant is None
    assert owed(volunteer, policy).pk == moved.pk


def test_sync_twice_changes_nothing(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    assert sync_obligations(policy=policy) == {"created": 0, "reopened": 0, "withdrawn": 0}
    assert owed(volunteer, policy).variant.key == "annex-a"


def test_the_volunteers_sign_off_and_opening_pin_the_annex_and_its_hash(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    version = policy.current_version
    annex = VersionVariant.objects.get(version=version, key="annex-a")
    sign_off, _ = view_and_sign(person=volunteer, version=version)
    assert (sign_off.variant, sign_off.content_hash) == (annex, content_hash(ANNEX_TEXT))
    assert sign_off.content_hash != version.content_hash
    viewing = Viewing.objects.get(person=volunteer, version=version)
    assert (viewing.variant, viewing.content_hash) == (annex, annex.content_hash)


def test_the_teachers_sign_off_pins_the_full_text(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version)
    assert sign_off.variant is None
    assert sign_off.content_hash == policy.current_version.content_hash == content_hash(FULL_TEXT)


def test_with_nothing_outstanding_the_rule_still_says_which_text(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    Obligation.objects.filter(person=volunteer).update(status=Obligation.Status.WITHDRAWN)
    text = text_to_sign(volunteer, policy.current_version)
    assert text.variant.key == "annex-a"
    assert text.body == ANNEX_TEXT


def test_the_sign_page_names_the_annex_for_the_volunteer_only(world, volunteer, signed_in):
    policy = safeguarding_with_annex(world.trust)
    page = signed_in(volunteer).get(reverse("acknowledgements:sign", args=[policy.slug])).content.decode()
    assert f"You are reading <strong>{ANNEX_TITLE}</strong>, the version of this policy for your role." in page
    assert "Wear your visitor badge at all times." in page
    assert "in writing" not in page  # the full text's words are not what the volunteer signs
    page = signed_in(world.staff).get(reverse("acknowledgements:sign", args=[policy.slug])).content.decode()
    assert "You are reading" not in page
    assert "Tell the designated safeguarding lead the same day, in writing." in page


def test_signing_through_the_page_records_the_annex_and_the_receipts_name_it(world, volunteer, signed_in):
    policy = safeguarding_with_annex(world.trust)
    client = signed_in(volunteer)
    client.get(reverse("acknowledgements:sign", args=[policy.slug]))  # opens the text
    response = client.post(reverse("acknowledgements:sign", args=[policy.slug]),
                           {"version": policy.current_version.pk, "confirm": "on"})
    sign_off = SignOff.objects.get(person=volunteer)
    assert response.status_code == 302
    assert sign_off.variant.key == "annex-a"
    receipt = client.get(reverse("acknowledgements:receipt", args=[sign_off.pk])).content.decode()
    assert f"{ANNEX_TITLE}, the version of this policy for their role" in receipt
    text = client.get(reverse("acknowledgements:receipt_download", args=[sign_off.pk])).content.decode()
    assert f"Text signed:         {ANNEX_TITLE}\n" in text
    mine = client.get(reverse("acknowledgements:mine")).content.decode()
    assert ANNEX_TITLE in mine


def test_my_policies_says_which_text_is_owed(world, volunteer, signed_in):
    safeguarding_with_annex(world.trust)
    mine = reverse("acknowledgements:mine")
    assert f"For your role: {ANNEX_TITLE}" in signed_in(volunteer).get(mine).content.decode()
    assert "For your role" not in signed_in(world.staff).get(reverse("acknowledgements:mine")).content.decode()


def owe_more(world, volunteer, count: int) -> None:
    """Policies with an annex until the volunteer has `count` obligations, every other one signed."""
    for n in range(Obligation.objects.filter(person=volunteer).count(), count):
        policy = safeguarding_with_annex(world.trust, title=f"Safeguarding {n}")
        if n % 2:
            view_and_sign(person=volunteer, version=policy.current_version)


def test_my_policies_costs_the_same_queries_with_two_and_with_twenty_variants_owed(
        world, volunteer, signed_in, django_assert_num_queries):
    client = signed_in(volunteer)
    owe_more(world, volunteer, 2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("acknowledgements:mine")).status_code == 200
    owe_more(world, volunteer, 20)
    with django_assert_num_queries(len(two)):
        page = client.get(reverse("acknowledgements:mine")).content.decode()
    assert page.count(f"For your role: {ANNEX_TITLE}") == 10
    assert page.count(f"· {ANNEX_TITLE}</td>") == 10  # the signed ones, in the table


def test_a_new_draft_starts_with_the_current_versions_variants(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    draft = start_draft(policy, by=world.owner, is_major=True)
    copied = draft.variants.get()
    assert (copied.key, copied.title, copied.content_hash) == ("annex-a", ANNEX_TITLE, content_hash(ANNEX_TEXT))
    assert copied.pk != policy.current_version.variants.get().pk


def test_a_sign_off_by_the_rule_without_an_obligation_pins_the_variant(world, volunteer):
    policy = safeguarding_with_annex(world.trust)
    Obligation.objects.filter(person=volunteer).update(status=Obligation.Status.WITHDRAWN)
    view(volunteer, policy.current_version)
    sign_off, _ = record_sign_off(person=volunteer, version=policy.current_version, ip_address=None, user_agent="")
    assert (sign_off.variant.key, sign_off.content_hash) == ("annex-a", content_hash(ANNEX_TEXT))


def rule_admin_post(client, rule, variant_groups: str):
    return client.post(reverse("admin:acknowledgements_signoffrule_change", args=[rule.pk]), {
        "policy": rule.policy_id, "staff_groups": '["teaching", "volunteer"]', "new_starter_days": 14,
        "new_version_days": 30, "annual_days": 30, "variant_groups": variant_groups,
    })


@pytest.fixture
def admin_client_(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    return client


def test_the_rules_admin_form_refuses_a_group_the_rule_does_not_cover(world, admin_client_):
    from acknowledgements.forms import VARIANT_GROUP_NOT_COVERED

    policy = safeguarding_with_annex(world.trust)
    response = rule_admin_post(admin_client_, policy.sign_off_rule, '{"contractor": "annex-a"}')
    assert response.status_code == 200
    assert VARIANT_GROUP_NOT_COVERED.format(group="contractor", groups="teaching, volunteer") in \
        response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    policy.sign_off_rule.refresh_from_db()
    assert policy.sign_off_rule.variant_groups == {"volunteer": "annex-a", "contractor": "annex-a"}


def test_the_rules_admin_form_refuses_a_key_no_version_has(world, admin_client_):
    from acknowledgements.forms import VARIANT_KEY_UNKNOWN

    policy = safeguarding_with_annex(world.trust)
    response = rule_admin_post(admin_client_, policy.sign_off_rule, '{"volunteer": "annex-z"}')
    assert VARIANT_KEY_UNKNOWN.format(key="annex-z", group="volunteer") in \
        response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_the_rules_admin_form_saves_a_good_mapping(world, admin_client_, volunteer):
    policy = safeguarding_with_annex(world.trust, mapping={})
    response = rule_admin_post(admin_client_, policy.sign_off_rule, '{"volunteer": "annex-a"}')
    assert response.status_code == 302
    policy.sign_off_rule.refresh_from_db()
    assert policy.sign_off_rule.variant_groups == {"volunteer": "annex-a"}


def test_a_volunteer_mapped_to_the_annex_after_opening_the_full_text_opens_the_annex_before_signing(
        world, volunteer, signed_in):
    policy = safeguarding_with_annex(world.trust, mapping={})
    client = signed_in(volunteer)
    sign_url = reverse("acknowledgements:sign", args=[policy.slug])
    client.get(sign_url)  # opens the full text, which is what the volunteer owes today
    rule = policy.sign_off_rule
    rule.variant_groups = {"volunteer": "annex-a"}
    rule.save()
    sync_obligations(policy=policy)
    # Signing without opening the annex: the opening of the full text is not an opening of it.
    with pytest.raises(SignOffRefused, match="^Open and read the policy before you sign it"):
        record_sign_off(person=volunteer, version=policy.current_version)
    client.get(sign_url)  # opens the annex
    client.post(sign_url, {"version": policy.current_version.pk, "confirm": "on"})
    sign_off = SignOff.objects.get(person=volunteer)
    annex = Viewing.objects.get(person=volunteer, variant__key="annex-a")
    assert (sign_off.variant.key, sign_off.viewed_at) == ("annex-a", annex.viewed_at)
    assert Viewing.objects.filter(person=volunteer).count() == 2  # the full text's opening is kept too


def test_the_library_page_counts_as_opening_the_full_text_not_the_annex(world, volunteer, signed_in):
    policy = safeguarding_with_annex(world.trust)
    signed_in(volunteer).get(reverse("policies:detail", args=[policy.slug]))
    viewing = Viewing.objects.get(person=volunteer)
    assert (viewing.variant, viewing.content_hash) == (None, content_hash(FULL_TEXT))
    assert viewing.content_hash != owed(volunteer, policy).variant.content_hash
