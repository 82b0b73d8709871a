"""Issue 14: a staff import with one problem says "Fix this problem", not
"Fix these 1 problem", on the check page and on the worker's job page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import StaffImportJob

HEADER = b"First name,Last name,Email,School,Staff group\n"


def upload(client, rows: bytes) -> str:
    return client.post(reverse("people:import"),
                       {"file": SimpleUploadedFile("staff.csv", HEADER + rows)}).content.decode()


def test_one_bad_row_asks_to_fix_this_problem(world, signed_in):
    page = upload(signed_in(world.trust_hr), b"Ann,Lee,bad,north,teaching\n")
    assert "Nothing was imported. Fix this problem and upload the file again:" in page
    assert "Fix these 1 problem" not in page


def test_two_bad_rows_ask_to_fix_these_2_problems(world, signed_in):
    page = upload(signed_in(world.trust_hr), b"Ann,Lee,bad,north,teaching\nBo,Ray,worse,north,teaching\n")
    assert "Nothing was imported. Fix these 2 problems and upload the file again:" in page


def test_a_worker_import_with_one_problem_asks_to_fix_this_problem(world, signed_in):
    job = StaffImportJob.objects.create(
        importer=world.trust_hr.user, data=b"", status=StaffImportJob.Status.FAILED, rows_total=1,
        rows_checked=1, errors=["Row 2: email 'bad' is not a valid email address."],
    )
    page = signed_in(world.trust_hr).get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "Nothing was imported. Fix this problem and upload the file again:" in page
    assert "Fix these 1 problem" not in page
