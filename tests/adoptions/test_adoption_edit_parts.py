"""A governance lead corrects a contact or a local section where it stands
(the DSL's new phone number, a reworded paragraph) instead of removing it and
adding it again at the end; once sent, nothing can be corrected."""

from __future__ import annotations

import pytest

from adoptions import services
from adoptions.models import LocalContact, LocalSection
from tests.adoptions.conftest import adopt

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(world, trust_policy, school):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel", phone="0161 496 0000")
    services.add_contact(adoption, role="Headteacher", name="Rob Hughes")
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    return adoption


def contacts(adoption) -> list[tuple[str, str, str]]:
    return [(c.role, c.name, c.phone) for c in adoption.contacts.all()]


def test_a_contact_is_corrected_where_it_stands(prepared):
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    services.change_contact(prepared, contact_id=dsl.pk, role=" Designated  Safeguarding Lead ",
                            name="Priya  Patel", email="dsl@north.example", phone="0161 496 0999")
    assert contacts(prepared) == [("Designated Safeguarding Lead", "Priya Patel", "0161 496 0999"),
                                  ("Headteacher", "Rob Hughes", "")]


def test_a_local_section_is_rewritten_where_it_stands(prepared):
    local = prepared.local_sections.get()
    services.change_local_section(prepared, section_id=local.pk, kind="adds_to", section="1. Purpose",
                                  body="Tell Ms Patel.\r\nOr Mr Hughes.\r\n")
    local.refresh_from_db()
    assert (local.kind, local.section, local.body, local.position) == ("adds_to", "1. Purpose",
                                                                       "Tell Ms Patel.\nOr Mr Hughes.", 0)


def test_a_blank_name_or_an_unknown_section_is_refused_and_changes_nothing(prepared):
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    with pytest.raises(services.AdoptionRefused, match="Give the contact's role and name."):
        services.change_contact(prepared, contact_id=dsl.pk, role="DSL", name="  ")
    with pytest.raises(services.AdoptionRefused, match="is not a section of version 1.0"):
        services.change_local_section(prepared, section_id=prepared.local_sections.get().pk, kind="replaces",
                                      section="9. Nowhere", body="Text.")
    assert contacts(prepared)[0] == ("Designated Safeguarding Lead", "Priya Patel", "0161 496 0000")
    assert prepared.local_sections.get().section == "3. Reporting concerns"


def test_another_adoption_s_part_is_not_found(prepared, world, trust_policy, school):
    south = services.start_adoption(school=world.south, policy=trust_policy, by=school.south_lead.user)
    theirs = services.add_contact(south, role="DSL", name="Sam South")
    with pytest.raises(services.AdoptionRefused, match="not part of this adoption"):
        services.change_contact(prepared, contact_id=theirs.pk, role="DSL", name="Forged")
    theirs.refresh_from_db()
    assert theirs.name == "Sam South"


def test_once_sent_nothing_is_corrected(prepared, school):
    services.send_to_committee(prepared, committee=school.lgb, by=school.lead.user)
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    with pytest.raises(services.AdoptionRefused, match="awaiting the local committee"):
        services.change_contact(prepared, contact_id=dsl.pk, role="DSL", name="Someone Else")
    adopt(prepared, school)
    with pytest.raises(services.AdoptionRefused, match="adopted"):
        services.change_local_section(prepared, section_id=prepared.local_sections.get().pk, kind="adds_to",
                                      section="1. Purpose", body="Changed.")
    assert LocalContact.objects.get(pk=dsl.pk).name == "Priya Patel"
    assert LocalSection.objects.get(adoption=prepared).body == "Tell Ms Patel."


# --------------------------------------------------------------------------- the page


def test_the_page_corrects_a_contact(prepared, school, signed_in):
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    client = signed_in(school.lead)
    response = client.post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "edit_contact", "part": dsl.pk, f"contact-{dsl.pk}-role": "Designated Safeguarding Lead",
        f"contact-{dsl.pk}-name": "Priya Patel", f"contact-{dsl.pk}-phone": "0161 496 0999"}, follow=True)
    assert "Saved." in response.content.decode()
    assert contacts(prepared)[0] == ("Designated Safeguarding Lead", "Priya Patel", "0161 496 0999")


def test_the_page_keeps_what_was_typed_when_the_email_is_wrong(prepared, school, signed_in):
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    client = signed_in(school.lead)
    page = client.post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "edit_contact", "part": dsl.pk, f"contact-{dsl.pk}-role": "Designated Safeguarding Lead",
        f"contact-{dsl.pk}-name": "Priya Patel-Jones", f"contact-{dsl.pk}-email": "not an email"}).content.decode()
    assert "Enter a valid email address." in page
    assert 'value="Priya Patel-Jones"' in page and '<details class="edit-part" open>' in page
    assert contacts(prepared)[0] == ("Designated Safeguarding Lead", "Priya Patel", "0161 496 0000")


def test_a_forged_part_on_the_page_changes_nothing(prepared, school, signed_in):
    client = signed_in(school.lead)
    for part in ("", "abc", "999999"):
        response = client.post(f"/adoptions/{prepared.pk}/prepare/", {
            "action": "edit_section", "part": part, f"section-{part}-kind": "adds_to",
            f"section-{part}-section": "1. Purpose", f"section-{part}-body": "Forged."}, follow=True)
        assert "not part of this adoption" in response.content.decode()
    assert prepared.local_sections.get().body == "Tell Ms Patel."


def test_a_section_rewritten_in_a_browser_is_saved_without_crlf(prepared, school, signed_in):
    local = prepared.local_sections.get()
    signed_in(school.lead).post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "edit_section", "part": local.pk, f"section-{local.pk}-kind": "replaces",
        f"section-{local.pk}-section": "3. Reporting concerns", f"section-{local.pk}-body": "Line one.\r\nLine two."})
    local.refresh_from_db()
    assert local.body == "Line one.\nLine two."


def test_another_school_s_lead_cannot_correct_it(prepared, school, signed_in):
    dsl = prepared.contacts.get(role="Designated Safeguarding Lead")
    response = signed_in(school.south_lead).post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "edit_contact", "part": dsl.pk, f"contact-{dsl.pk}-role": "DSL", f"contact-{dsl.pk}-name": "X"})
    assert response.status_code == 404
    assert contacts(prepared)[0][1] == "Priya Patel"
