"""HR's reports name the variant owed: the outstanding page, its CSV (COPY on
PostgreSQL byte for byte what Python writes), its XLSX and the `outstanding`
command gain a `variant` column (the title; empty for the full text). The
person's sign-off record and the version's PDFs name it too."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from documents import rendering
from people.models import Person, StaffGroup
from reports import exports, selectors
from reports.columns import HEADER, as_rows
from reports.selectors import OutstandingFilters
from tests.conftest import is_postgres
from tests.factories import PersonFactory, view_and_sign
from tests.policies.variant_world import ANNEX_TITLE, safeguarding_with_annex

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def owing(world):
    """Val Volunteer owes Annex A (a formula-like title, to tempt the CSV's
    quoting), Sam Staff the full text."""
    PersonFactory(first_name="Val", last_name="Volunteer", email="val@school.example",
                  staff_group=StaffGroup.VOLUNTEER, schools=[world.north])
    return safeguarding_with_annex(world.trust)


def csv_of(client) -> list[dict[str, str]]:
    body = b"".join(client.get(reverse("reports:export", args=["csv"])).streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def by_email(rows) -> dict[str, dict]:
    return {row["email"]: row for row in rows}


def test_the_outstanding_csv_names_the_variant_and_leaves_the_full_text_empty(world, signed_in, owing):
    rows = by_email(csv_of(signed_in(world.trust_hr)))
    assert HEADER.index("variant") == HEADER.index("period") + 1
    assert rows["val@school.example"]["variant"] == ANNEX_TITLE
    assert rows["staff@school.example"]["variant"] == ""


def test_the_xlsx_and_the_command_name_the_variant(world, owing, tmp_path):
    out = io.StringIO()
    call_command("outstanding", "--format", "csv", stdout=out)
    rows = by_email(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows["val@school.example"]["variant"] == ANNEX_TITLE
    call_command("outstanding", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    sheet = list(load_workbook(tmp_path / "o.xlsx").active.iter_rows(values_only=True))
    column = list(sheet[0]).index("variant")
    cells = {row[HEADER.index("email")]: row[column] for row in sheet[1:]}
    assert cells["val@school.example"] == ANNEX_TITLE
    assert cells["staff@school.example"] is None


def test_the_outstanding_page_shows_the_variant(world, signed_in, owing):
    page = signed_in(world.trust_hr).get(reverse("reports:outstanding")).content.decode()
    assert f"Safeguarding Policy 1.0<br>{ANNEX_TITLE}<br>" in page


def test_the_outstanding_page_costs_the_same_queries_with_two_and_with_twenty_variant_rows(
        world, signed_in, owing, django_assert_num_queries):
    client = signed_in(world.trust_hr)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:outstanding"))
    for n in range(18):
        PersonFactory(staff_group=StaffGroup.VOLUNTEER if n % 2 else StaffGroup.CONTRACTOR, schools=[world.north])
    sync_obligations()
    with django_assert_num_queries(len(few)):
        page = client.get(reverse("reports:outstanding")).content.decode()
    assert page.count(ANNEX_TITLE) == 19


@pytest.mark.postgres
def test_copy_writes_the_variant_column_exactly_as_python_does(world, owing):
    if not is_postgres():
        pytest.skip("COPY is PostgreSQL's; SQLite streams the CSV from Python")
    PersonFactory(first_name="=Contractor", last_name="Quote\"d", staff_group=StaffGroup.CONTRACTOR,
                  schools=[world.north, world.south])
    sync_obligations()
    obligations = selectors.outstanding([world.trust.pk, world.north.pk, world.south.pk], OutstandingFilters(),
                                        today=TODAY)
    written = b"".join(exports.copy_csv_chunks(obligations, today=TODAY))
    assert written == "".join(exports.csv_chunks(as_rows(obligations, today=TODAY))).encode()
    assert f",{ANNEX_TITLE},".encode() in written and b",1.0,," in written  # the full text's empty cell


def test_the_sign_off_record_names_the_variant_signed(world, owing):
    volunteer = Person.objects.get(email="val@school.example")
    view_and_sign(person=volunteer, version=owing.current_version)
    html = rendering.record_html(volunteer)
    assert f"{ANNEX_TITLE}, the version of this policy for their role" in html


def test_the_variant_document_shows_the_annex_under_the_versions_cover(world, owing):
    annex = owing.current_version.variants.get()
    document = rendering.variant_document(annex)
    assert document.key != rendering.policy_document(owing.current_version).key
    assert "Wear your visitor badge" in document.context["body_html"]
    assert "in writing" not in document.context["body_html"]


def test_the_variant_pdf_is_refused_to_those_who_may_not_read_a_draft(world, signed_in):
    from approvals.services import start_draft

    policy = safeguarding_with_annex(world.trust, owner=world.owner)
    start_draft(policy, by=world.owner)
    url = reverse("documents:variant_pdf", args=[policy.slug, "1.1", "annex-a"])
    assert signed_in(world.staff).get(url).status_code == 404
    assert signed_in(world.staff).get(reverse("documents:variant_pdf", args=[policy.slug, "1.0", "annex-z"])
                                      ).status_code == 404


@pytest.mark.slow
def test_the_variant_pdf_downloads_tagged_and_names_the_annex(world, signed_in, owing, tmp_path):
    from tests.documents.certificate_data import assert_tagged, pdf_to_text, words

    response = signed_in(world.staff).get(reverse("documents:variant_pdf", args=[owing.slug, "1.0", "annex-a"]))
    assert response.status_code == 200
    path = tmp_path / "annex.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    assert_tagged(path, f"Safeguarding Policy: {ANNEX_TITLE}, version 1.0")
    text = words(pdf_to_text(path.read_bytes(), tmp_path))
    assert f"Text for {ANNEX_TITLE}" in text
    assert "Wear your visitor badge at all times." in text
    assert "in writing" not in text


def test_a_new_starters_pack_holds_the_variant_they_owe(world, owing):
    from acknowledgements.selectors import owed_sign_offs

    volunteer = Person.objects.get(email="val@school.example")
    pack = render_pack_html(volunteer, list(owed_sign_offs(volunteer)))
    assert "Wear your visitor badge at all times." in pack
    assert f"Text for</th><td>{ANNEX_TITLE}" in pack
    assert "the same day, in writing" not in pack
    teacher_pack = render_pack_html(world.staff, list(owed_sign_offs(world.staff)))
    assert "the same day, in writing" in teacher_pack and ANNEX_TITLE not in teacher_pack


def render_pack_html(person, obligations) -> str:
    """The pack's HTML, as documents.rendering.pack_pdf renders it before WeasyPrint."""
    from django.template.loader import render_to_string

    documents = [rendering._document_owed(o) for o in obligations]
    return render_to_string("documents/pack.html", {"person": person, "documents": documents, "today": TODAY})
