"""The school's copy as a PDF: tagged like every PDF, with the adoption's
line, its contacts and its local parts marked local."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from adoptions import services
from tests.adoptions.conftest import adopt
from tests.documents.certificate_data import assert_tagged

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # renders with WeasyPrint
def test_the_school_s_copy_downloads_as_a_tagged_pdf_with_its_local_parts(world, trust_policy, school, signed_in,
                                                                          tmp_path):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    response = signed_in(world.staff).get(f"/adoptions/{adoption.pk}/copy.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "copy.pdf"
    path.write_bytes(response.content)
    assert_tagged(path, "Safeguarding Policy, North Primary's copy, version 1.0")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    day = adoption.adopted_on
    assert f"Test Learning Trust policy, adopted by North Primary on {day.day} {day:%B %Y}" in text
    assert "Local to North Primary" in text and "Priya Patel" in text and "Tell Ms Patel." in text
    assert "Tell the DSL at once" not in text


def test_another_school_s_staff_cannot_download_it(world, trust_policy, school, signed_in):
    from tests.factories import PersonFactory

    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    southerner = PersonFactory(schools=[world.south])
    assert signed_in(southerner).get(f"/adoptions/{adoption.pk}/copy.pdf").status_code == 404
