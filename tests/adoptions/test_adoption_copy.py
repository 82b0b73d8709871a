"""The school's copy: the trust text with the local parts added after or
replacing the section they name, each marked local; whose copy it is; and
whose copy a member of staff reads and signs."""

from __future__ import annotations

import datetime

import pytest

from adoptions import services
from adoptions.copies import adoption_in_force, compose, copy_line
from adoptions.models import Adoption, LocalSection
from tests.adoptions.conftest import BODY, adopt

pytestmark = pytest.mark.django_db


def section(kind, name, body, pk):
    return LocalSection(pk=pk, kind=kind, section=name, body=body)


def texts(parts):
    return [(part.local, part.note, str(part.html)) for part in parts]


def test_a_replacing_section_takes_the_trust_section_s_place():
    parts = texts(compose(BODY, [section("replaces", "3. Reporting concerns", "3.1 Tell Ms Patel, our DSL.", 1)]))
    assert len(parts) == 4
    local, note, html = parts[3]
    assert local and note == "Replaces the trust's section '3. Reporting concerns'"
    assert "Tell Ms Patel, our DSL" in html and "Tell the DSL at once" not in html
    assert "Reporting concerns</h2>" in html


def test_an_added_section_follows_the_trust_section():
    parts = texts(compose(BODY, [section("adds_to", "2. Roles", "Our DSL is Priya Patel.", 1)]))
    assert [p[0] for p in parts] == [False, False, False, True, False]
    assert "Everyone has a role" in parts[2][2] and "Our DSL is Priya Patel" in parts[3][2]
    assert parts[3][1] == "Adds to the trust's section '2. Roles'"


def test_a_trust_text_from_a_browser_with_crlf_composes_as_its_lf_form():
    crlf = BODY.replace("\n", "\r\n")
    local = [section("replaces", "3. Reporting concerns", "Tell Ms Patel.\r\n", 1)]
    assert texts(compose(crlf, local)) == texts(compose(BODY, local))


def test_a_local_section_whose_heading_is_missing_is_shown_at_the_end_saying_so():
    parts = texts(compose(BODY, [section("replaces", "7. Online safety", "Our filtering.", 1)]))
    assert parts[-1][0] is True
    assert parts[-1][1] == "The trust's section '7. Online safety' is not in this text, so this local section " \
                           "is shown here."
    assert sum(1 for p in parts if "Tell the DSL at once" in p[2]) == 1  # the trust's section stays


def test_a_renumbered_section_is_still_found_by_its_words():
    renumbered = BODY.replace("## 3. Reporting concerns", "## 4. Reporting concerns")
    parts = texts(compose(renumbered, [section("replaces", "3. Reporting concerns", "Tell Ms Patel.", 1)]))
    assert parts[3][1] == "Replaces the trust's section '4. Reporting concerns'"


def test_the_copy_line_names_the_trust_the_school_and_the_date(world):
    adoption = Adoption(school=world.north, status=Adoption.Status.ADOPTED, adopted_on=datetime.date(2026, 10, 12))
    assert copy_line(adoption) == "Test Learning Trust policy, adopted by North Primary on 12 October 2026"


def test_staff_read_the_adoption_of_exactly_that_version_at_their_school(world, trust_policy, school):
    version = trust_policy.current_version
    assert adoption_in_force(world.staff, version) is None
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    assert adoption_in_force(world.staff, version) is None  # being prepared: not in force
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    assert adoption_in_force(world.staff, version) == adoption
    from tests.factories import PersonFactory

    southerner = PersonFactory(schools=[world.south])
    assert adoption_in_force(southerner, version) is None


def test_the_copy_page_shows_the_line_and_the_local_parts_marked(world, trust_policy, school, signed_in):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel", email="dsl@north.example")
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    page = signed_in(world.staff).get(f"/adoptions/{adoption.pk}/").content.decode()
    day = adoption.adopted_on
    assert f"Test Learning Trust policy, adopted by North Primary on {day.day} {day:%B %Y}" in page
    assert page.count('<span class="tag">Local to North Primary</span>') == 2  # the contacts, the replaced section
    assert "Priya Patel" in page and "Tell Ms Patel." in page and "Tell the DSL at once" not in page
