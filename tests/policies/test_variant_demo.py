"""The demo trust shows variants for audiences: the safeguarding policy's
version 4.1 has Annex A for volunteers and contractors; the demo volunteer
owes the annex, the new starter (support staff) and the teachers the full
text; loading the demo again adds nothing."""

import io

from django.core.management import call_command

from acknowledgements.models import Obligation
from policies.models import Policy, PolicyVersion, VersionVariant


def owed(email: str) -> Obligation:
    return Obligation.objects.select_related("variant", "version").get(
        person__email=email, policy__slug="safeguarding", status=Obligation.Status.OUTSTANDING)


def test_the_demo_volunteer_owes_the_annex_and_the_new_starter_the_full_text(db):
    call_command("load_demo", stdout=io.StringIO())
    safeguarding = Policy.objects.get(slug="safeguarding")
    assert safeguarding.current_version.label == "4.1"
    assert safeguarding.current_version.reason == "Annex A added: what volunteers and contractors must know and do"
    annex = safeguarding.current_version.variants.get()
    assert annex.title == "Annex A: for volunteers and contractors"
    assert safeguarding.sign_off_rule.variant_groups == {"volunteer": "annex-a", "contractor": "annex-a"}
    volunteer = owed("volunteer@oakfield.example")
    assert (volunteer.version.label, volunteer.variant) == ("4.1", annex)
    assert owed("new.starter@oakfield.example").variant is None
    # Every outstanding obligation of the policy owes the text its person's group maps to.
    for obligation in Obligation.objects.filter(policy=safeguarding, status=Obligation.Status.OUTSTANDING
                                                ).select_related("person"):
        mapped = obligation.person.staff_group in ("volunteer", "contractor")
        assert (obligation.variant_id == annex.pk) is mapped, obligation.person
    call_command("load_demo", stdout=io.StringIO())
    assert VersionVariant.objects.count() == 1
    assert PolicyVersion.objects.filter(policy=safeguarding, label="4.1").count() == 1
