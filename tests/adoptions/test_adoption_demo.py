"""The demo trust's adoptions: Riverside has adopted the Safeguarding policy
with its DSL and a replaced section (and Acceptable Use, carried forward to
its minor version 1.1), Oakfield Primary is to re-adopt Safeguarding,
Hilltop has adopted nothing; Riverside's teacher signs Riverside's copy."""

from __future__ import annotations

import datetime

import pytest

from acknowledgements import evidence_check
from adoptions.models import Adoption
from adoptions.services import hash_of
from people.models import Person
from portal.demo import load_demo
from portal.demo_adoptions import load_demo_adoptions
from tests.factories import view_and_sign

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def demo():
    load_demo(today=TODAY)


def test_each_school_stands_where_the_demo_says(demo):
    riverside = Adoption.objects.get(school__slug="riverside", policy__slug="safeguarding")
    assert (riverside.status, riverside.adopted_on) == ("adopted", TODAY - datetime.timedelta(days=40))
    assert riverside.version == riverside.policy.current_version
    assert riverside.contacts.first().role == "Designated Safeguarding Lead"
    assert [(s.kind, s.section) for s in riverside.local_sections.all()] == [
        ("replaces", "5. Responding to a concern")]
    assert riverside.local_hash == hash_of(riverside)
    carried = Adoption.objects.get(school__slug="riverside", policy__slug="acceptable-use", status="adopted")
    assert (carried.version.label, carried.previous.version.label, carried.previous.status) == ("1.1", "1.0",
                                                                                               "superseded")
    assert carried.carried_forward_on == TODAY - datetime.timedelta(days=745)
    assert carried.local_hash == hash_of(carried) == carried.previous.local_hash
    oakfield = Adoption.objects.get(school__slug="oakfield-primary")
    assert (oakfield.status, oakfield.version.label) == ("to_readopt", "3.1")
    assert not Adoption.objects.filter(school__slug="hilltop-nursery").exists()


def test_loading_again_adds_nothing(demo):
    import tomllib

    from portal.demo import DEMO_DIR, relative_date

    spec = tomllib.loads((DEMO_DIR / "trust.toml").read_text(encoding="utf-8"))
    assert load_demo_adoptions(spec, today=TODAY, relative_date=relative_date) == 0
    assert Adoption.objects.count() == 4  # Acceptable Use's 1.0 adoption stays, superseded by its carried one


def test_riverside_s_teacher_reads_and_signs_riverside_s_copy(demo, signed_in):
    teacher = Person.objects.get(email="teacher@oakfield.example")
    riverside = Adoption.objects.get(school__slug="riverside", policy__slug="safeguarding")
    page = signed_in(teacher).get("/my/sign/safeguarding/").content.decode()
    assert "Oakfield Learning Trust policy, adopted by Riverside Academy on" in page
    assert "safeguarding drop-in for staff every Wednesday" in page
    sign_off, _ = view_and_sign(person=teacher, version=riverside.version)
    assert (sign_off.adoption, sign_off.local_hash) == (riverside, riverside.local_hash)
    assert evidence_check.verify(save=False).intact


def test_riverside_s_acceptable_use_copy_was_carried_forward_to_the_minor_version(demo, signed_in):
    teacher = Person.objects.get(email="teacher@oakfield.example")
    page = signed_in(teacher).get("/my/sign/acceptable-use/").content.decode()
    carried_on = TODAY - datetime.timedelta(days=745)
    assert (f"carried forward to the trust&#x27;s minor revision 1.1 on {carried_on.day} {carried_on:%B %Y}"
            in page)
    assert "locked remotely before anyone else opens it" in page
