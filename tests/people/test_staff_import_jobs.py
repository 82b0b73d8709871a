"""Large staff files are imported by the worker while HR watches their
progress (issue 13, finding 7): still all or nothing, once however often the
task is delivered, and only for the HR user who started it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people.import_jobs import JOB_NO_LONGER_HR, QUEUE_OVER_ROWS, STALE_AFTER, run_import_job
from people.models import Person, RoleAssignment, StaffImportJob
from people.tasks import run_staff_import

HEADER = "Staff ID,First name,Last name,Work email,School,Staff group\n"


def staff_file(rows: int, *, bad_row: int | None = None) -> bytes:
    lines = [f"J{n},Jo{n},Big,jo{n}@big.example,{'north' if n % 2 else 'south'},"
             f"{'Cook' if n == bad_row else 'Teacher'}" for n in range(rows)]
    return (HEADER + "\n".join(lines) + "\n").encode()


def check_and_confirm(client, data: bytes):
    checked = client.post(reverse("people:import"), {"file": SimpleUploadedFile("staff.csv", data)})
    payload = re.search(r'name="payload" value="([^"]+)"', checked.content.decode()).group(1)
    return client.post(reverse("people:import"), {"payload": payload})


@pytest.fixture
def queued(world, signed_in, django_capture_on_commit_callbacks):
    """Trust HR checked and confirmed a file of 600 people; the task is on
    the broker (captured, not run)."""
    client = signed_in(world.trust_hr)
    with django_capture_on_commit_callbacks() as callbacks:
        response = check_and_confirm(client, staff_file(QUEUE_OVER_ROWS + 100))
    job = StaffImportJob.objects.get()
    assert response.url == reverse("people:import_job", args=[job.pk])
    assert len(callbacks) == 1
    return client, job


def test_trust_hr_confirming_a_large_file_sees_it_waiting_and_nothing_written_yet(world, queued):
    client, job = queued
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "Importing staff" in page and "Waiting for the worker" in page
    assert 'http-equiv="refresh"' in page
    assert not Person.objects.filter(email__endswith="@big.example").exists()


def test_the_worker_imports_the_file_and_the_page_shows_the_summary(world, queued):
    client, job = queued
    run_staff_import(job.pk)
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "Staff imported" in page and "600 new, 0 updated, 0 unchanged" in page
    assert 'http-equiv="refresh"' not in page
    assert Person.objects.filter(email__endswith="@big.example").count() == 600
    job.refresh_from_db()
    assert bytes(job.data) == b""  # the uploaded personal data is not kept
    assert (job.rows_checked, job.rows_total) == (600, 600)


def test_a_task_delivered_twice_imports_once(world, queued):
    _, job = queued
    run_staff_import(job.pk)
    Person.objects.filter(email="jo1@big.example").update(first_name="Changed since")
    assert run_import_job(job.pk) is None
    assert Person.objects.get(email="jo1@big.example").first_name == "Changed since"
    assert Person.history.filter(email="jo1@big.example").count() == 1


def test_a_job_whose_worker_died_long_ago_can_be_claimed_again(world, queued):
    _, job = queued
    StaffImportJob.objects.filter(pk=job.pk).update(status=StaffImportJob.Status.RUNNING,
                                                    started_at=timezone.now() - datetime.timedelta(minutes=1))
    assert run_import_job(job.pk) is None  # still running elsewhere
    assert run_import_job(job.pk, now=timezone.now() + STALE_AFTER) is not None
    assert Person.objects.filter(email__endswith="@big.example").count() == 600


def test_a_bad_row_found_by_the_worker_imports_nothing_and_is_listed(world, signed_in,
                                                                        django_capture_on_commit_callbacks):
    client = signed_in(world.trust_hr)
    with django_capture_on_commit_callbacks():
        check_and_confirm(client, staff_file(QUEUE_OVER_ROWS + 100))
    job = StaffImportJob.objects.get()
    # The records changed between the check and the import: J7 and jo7@ are now two other people.
    Person.objects.create(first_name="Id", last_name="Holder", email="id@elsewhere.example", staff_id="J7",
                          staff_group="teaching")
    Person.objects.create(first_name="Email", last_name="Holder", email="jo7@big.example", staff_group="teaching")
    run_staff_import(job.pk)
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "Nothing was imported" in page
    assert "Row 9: staff ID &#x27;J7&#x27; belongs to another person than email &#x27;jo7@big.example&#x27;" in page
    assert Person.objects.filter(email__endswith="@big.example").count() == 1


def test_hr_who_lost_the_role_before_the_worker_ran_imports_nothing(world, queued):
    client, job = queued
    RoleAssignment.objects.filter(person=world.trust_hr).delete()
    run_staff_import(job.pk)
    job.refresh_from_db()
    assert job.status == StaffImportJob.Status.FAILED and job.errors == [JOB_NO_LONGER_HR]
    assert not Person.objects.filter(email__endswith="@big.example").exists()


def test_a_schools_hr_cannot_see_trust_hrs_import(world, queued, client):
    _, job = queued
    client.force_login(world.school_hr.user)
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 404


def test_staff_cannot_see_an_import(world, queued, client):
    _, job = queued
    client.force_login(world.staff.user)
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 403


def test_a_small_file_is_still_imported_in_the_request(world, signed_in):
    response = check_and_confirm(signed_in(world.trust_hr), staff_file(5))
    assert response.url == reverse("people:list")
    assert not StaffImportJob.objects.exists()
    assert Person.objects.filter(email__endswith="@big.example").count() == 5
