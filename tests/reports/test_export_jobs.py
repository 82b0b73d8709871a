"""Exports the worker prepares: every XLSX, and a CSV longer than
EXPORT_STREAM_MAX_ROWS. HR asks from the outstanding list, watches a progress
page, downloads the file; only they may, and only while they still see the
reports; the daily run removes a week-old export."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from people.models import Role, RoleAssignment
from portal.daily import run_daily
from reports import export_jobs, exports, tasks
from reports.columns import HEADER
from reports.export_jobs import (
    EXPORT_FAILED,
    EXPORT_NO_LONGER_HR,
    build_export_file,
    remove_old_exports,
    resend_if_stalled,
)
from reports.models import ExportJob
from reports.permissions import EXPORT_SCOPE_CHANGED, REPORTS_DENIED
from tests.factories import PersonFactory, published_policy, sign_off_rule
from tests.kept_counts import fill_kept_counts
from tests.reports.exporting import prepared_export

XLSX = reverse("reports:export", args=["xlsx"])
CSV = reverse("reports:export", args=["csv"])


@pytest.fixture
def owing(world):
    """Sam (North) and Sue (South) owe the Email Policy."""
    sign_off_rule(published_policy(title="Email Policy"), groups=["teaching"])
    PersonFactory(first_name="Sue", last_name="Southern", schools=[world.south])
    sync_obligations()


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The jobs handed to the worker (no broker in these tests)."""
    jobs: list[int] = []
    monkeypatch.setattr(tasks.build_export, "delay", jobs.append)
    return jobs


def ask(client, url: str = XLSX, query: dict | None = None) -> ExportJob:
    response = client.post(url + ("?" + urlencode(query) if query else ""))
    job = ExportJob.objects.latest("created_at")
    assert response.status_code == 302 and response["Location"] == reverse("reports:export_job", args=[job.pk])
    return job


def job_page(client, job: ExportJob) -> str:
    return client.get(reverse("reports:export_job", args=[job.pk])).content.decode()


def sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


# ---- asking and watching -----------------------------------------------------------------


def test_asking_for_excel_queues_a_job_and_shows_its_progress(world, signed_in, owing, sent,
                                                             django_capture_on_commit_callbacks):
    client = signed_in(world.trust_hr)
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(client, query={"school": "north"})

    assert sent == [job.pk]
    assert (job.requested_by, job.fmt, job.status) == (world.trust_hr.user, "xlsx", ExportJob.Status.QUEUED)
    assert job.filters["school"] == "north"
    assert set(job.school_ids) == {world.trust.pk, world.north.pk, world.south.pk}
    page = job_page(client, job)
    assert "Waiting for the server to start preparing the file." in page
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert "Download" not in page


def test_the_progress_says_how_many_rows_are_written(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    job = ask(client)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_total=12_000, rows_done=5_000,
                                               progressed_at=timezone.now())

    body = client.get(reverse("reports:export_progress", args=[job.pk])).content.decode()

    assert "5,000 of 12,000 rows written." in body
    assert 'max="12000" value="5000"' in body and 'hx-trigger="every 1s"' in body


def test_a_ready_export_shows_its_download_link_and_stops_polling(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    job = ask(client)
    build_export_file(job.pk)

    body = client.get(reverse("reports:export_progress", args=[job.pk])).content.decode()

    assert "Ready: 2 rows." in body
    assert reverse("reports:export_download", args=[job.pk]) in body
    assert f"Download {job.download_name}" in body
    assert "hx-trigger" not in body


def test_the_excel_file_holds_the_filtered_rows_under_its_dated_name(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    job = ask(client, query={"school": "north"})
    build_export_file(job.pk)

    response = client.get(reverse("reports:export_download", args=[job.pk]))

    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="outstanding-sign-offs-{stamp}.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = sheet(b"".join(response.streaming_content))
    assert list(rows[0]) == HEADER
    assert [row[0] for row in rows[1:]] == ["Sam Staff"]


def test_the_file_is_kept_under_media_exports_and_not_where_the_web_server_serves_static(world, signed_in, owing):
    job = ask(signed_in(world.trust_hr))
    build_export_file(job.pk)

    job.refresh_from_db()
    assert job.file.startswith("exports/") and job.file.endswith(".xlsx")
    assert (Path(settings.MEDIA_ROOT) / job.file).is_file()
    assert len(Path(job.file).stem) > 16  # not guessable from the job's number


def test_asking_again_while_it_is_being_built_gives_the_same_job(world, signed_in, owing, sent,
                                                                django_capture_on_commit_callbacks):
    client = signed_in(world.trust_hr)
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(client, query={"school": "north"})
        again = ask(client, query={"school": "north"})
        other = ask(client, query={"school": "south"})

    assert again.pk == first.pk and other.pk != first.pk
    assert sent == [first.pk, other.pk]


def test_an_unknown_format_is_not_found(world, signed_in, owing):
    assert signed_in(world.trust_hr).get(reverse("reports:export", args=["pdf"])).status_code == 404


# ---- the CSV: at once, or prepared when long -----------------------------------------------


def test_a_csv_up_to_the_limit_downloads_at_once(world, signed_in, owing, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 2
    response = signed_in(world.trust_hr).get(CSV)

    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row[0] for row in rows[1:]) == ["Sam Staff", "Sue Southern"]
    assert not ExportJob.objects.exists()


def test_a_csv_over_the_limit_is_prepared_and_says_the_same_as_one_streamed(world, signed_in, owing, settings):
    client = signed_in(world.trust_hr)
    streamed = b"".join(client.get(CSV).streaming_content)
    settings.EXPORT_STREAM_MAX_ROWS = 1

    prepared = prepared_export(client, "csv")

    assert prepared == streamed
    assert ExportJob.objects.get().fmt == "csv"


def test_the_choice_reads_the_kept_counts_rather_than_counting_the_rows(world, signed_in, owing, settings,
                                                                      django_assert_max_num_queries):
    fill_kept_counts()
    settings.EXPORT_STREAM_MAX_ROWS = 1
    client = signed_in(world.trust_hr)

    with django_assert_max_num_queries(30) as done:
        response = client.post(CSV)

    assert response.status_code == 302
    counted = [q["sql"] for q in done.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("acknowledgements_obligation" in sql for sql in counted), counted


def test_the_list_says_which_files_download_at_once_and_which_are_prepared(world, signed_in, owing, settings):
    client = signed_in(world.trust_hr)
    page = client.get(reverse("reports:outstanding")).content.decode()
    assert ">Download CSV</a>" in page and ">Prepare Excel (XLSX)</button>" in page
    assert "An Excel file is prepared on the server while you wait" in page

    settings.EXPORT_STREAM_MAX_ROWS = 1
    page = client.get(reverse("reports:outstanding")).content.decode()
    assert ">Prepare CSV</button>" in page and "Download CSV" not in page


# ---- the worker: once, with progress, failures in words ------------------------------------


def test_building_twice_builds_once(world, signed_in, owing):
    job = ask(signed_in(world.trust_hr))

    assert build_export_file(job.pk) is not None
    assert build_export_file(job.pk) is None
    assert tasks.build_export.run(job.pk) is None  # the task is the service, thinly

    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and (job.rows_done, job.rows_total) == (2, 2)
    assert [path.name for path in (Path(settings.MEDIA_ROOT) / "exports").iterdir()] == [Path(job.file).name]


def test_a_job_whose_builder_went_quiet_is_built_again(world, signed_in, owing):
    job = ask(signed_in(world.trust_hr))
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progressed_at=now)
    assert build_export_file(job.pk, now=now + datetime.timedelta(minutes=1)) is None

    assert build_export_file(job.pk, now=now + export_jobs.STALE_AFTER + datetime.timedelta(seconds=1))
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.READY


def test_the_worker_reports_progress_every_few_thousand_rows(world, signed_in, owing, monkeypatch):
    job = ask(signed_in(world.trust_hr))
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY_ROWS", 1)
    seen = []

    def watching_writer(rows, target):
        for _ in rows:
            seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get(pk=job.pk))
        Path(target).write_bytes(b"built")

    monkeypatch.setattr(exports, "write_xlsx", watching_writer)
    build_export_file(job.pk)

    assert seen == [(0, 2), (1, 2)]  # the first row is reported once it is written


def test_a_failed_build_says_so_in_words_and_leaves_no_file(world, signed_in, owing, monkeypatch):
    client = signed_in(world.trust_hr)
    job = ask(client)

    def broken_writer(rows, target):
        Path(target).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken_writer)
    build_export_file(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error, job.file) == (ExportJob.Status.FAILED, EXPORT_FAILED, "")
    page = job_page(client, job)
    assert "The file could not be prepared." in page and EXPORT_FAILED in page and "hx-trigger" not in page
    assert list((Path(settings.MEDIA_ROOT) / "exports").iterdir()) == []
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


def test_a_requester_who_is_no_longer_hr_gets_no_file_built(world, signed_in, owing):
    job = ask(signed_in(world.school_hr))
    RoleAssignment.objects.filter(person=world.school_hr, role=Role.HR).delete()

    build_export_file(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error, job.file) == (ExportJob.Status.FAILED, EXPORT_NO_LONGER_HR, "")


def test_a_list_longer_than_excel_holds_fails_with_advice(world, signed_in, owing, monkeypatch):
    job = ask(signed_in(world.trust_hr))
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)

    build_export_file(job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "This list has 2 rows, more than Excel's 1. Narrow the filters, or download it as CSV."


# ---- a lost task ---------------------------------------------------------------------------


def test_watching_a_job_nobody_picked_up_sends_it_again_once(world, signed_in, owing, sent):
    client = signed_in(world.trust_hr)
    job = ask(client)
    progress = reverse("reports:export_progress", args=[job.pk])

    client.get(progress)
    assert sent == []  # just asked: the worker may simply be busy

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - export_jobs.STALLED_AFTER * 2)
    client.get(progress)
    client.get(progress)
    assert sent == [job.pk]  # once, however many watch


def test_a_job_being_built_is_sent_again_only_when_its_builder_went_quiet(world, signed_in, owing, sent):
    job = ask(signed_in(world.trust_hr))
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progressed_at=now,
                                               created_at=now - datetime.timedelta(hours=1))
    job.refresh_from_db()

    assert not resend_if_stalled(job, now=now + datetime.timedelta(minutes=1))
    assert resend_if_stalled(job, now=now + export_jobs.STALE_AFTER + datetime.timedelta(seconds=1))
    assert sent == [job.pk]


def test_asking_while_the_broker_is_down_still_opens_the_page_and_the_job_is_sent_later(
        world, signed_in, owing, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(job_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.build_export, "delay", broker_down)
    client = signed_in(world.trust_hr)
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(client)

    assert "Waiting for the server to start preparing the file." in job_page(client, job)
    sent = []
    monkeypatch.setattr(tasks.build_export, "delay", sent.append)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - export_jobs.STALLED_AFTER * 2)
    client.get(reverse("reports:export_progress", args=[job.pk]))
    assert sent == [job.pk]


# ---- who may see and download --------------------------------------------------------------


@pytest.mark.parametrize("name", ["reports:export_job", "reports:export_progress", "reports:export_download"])
def test_another_hr_officer_is_told_the_export_does_not_exist(world, signed_in, client, owing, name):
    job = ask(signed_in(world.trust_hr))
    build_export_file(job.pk)
    url = reverse(name, args=[job.pk])

    assert signed_in(world.school_hr).get(url).status_code == 404

    response = signed_in(world.staff).get(url)
    assert response.status_code == 403 and REPORTS_DENIED in response.content.decode()

    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_requester_whose_schools_shrank_may_no_longer_download(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    job = ask(client)
    build_export_file(job.pk)
    RoleAssignment.objects.filter(person=world.trust_hr, role=Role.HR).update(organisation=world.north)

    response = client.get(reverse("reports:export_download", args=[job.pk]))

    assert response.status_code == 403 and EXPORT_SCOPE_CHANGED in response.content.decode()


def test_a_requester_who_left_hr_may_no_longer_open_their_export(world, signed_in, owing):
    client = signed_in(world.school_hr)
    job = ask(client)
    build_export_file(job.pk)
    RoleAssignment.objects.filter(person=world.school_hr, role=Role.HR).delete()

    for name in ("reports:export_job", "reports:export_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 403


# ---- the list of recent exports ------------------------------------------------------------


def test_the_outstanding_list_shows_my_recent_exports_and_not_anyone_elses(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    ready = ask(client)
    build_export_file(ready.pk)
    waiting = ask(client, query={"school": "north"})
    ask(signed_in(world.school_hr))
    client = signed_in(world.trust_hr)

    page = client.get(reverse("reports:outstanding")).content.decode()

    assert "Your recent exports" in page
    assert reverse("reports:export_job", args=[ready.pk]) in page
    assert reverse("reports:export_download", args=[ready.pk]) in page
    assert reverse("reports:export_job", args=[waiting.pk]) in page and "waiting to start" in page
    assert page.count("asked for") == 2


def test_the_pages_queries_do_not_grow_with_the_exports(world, signed_in, owing, django_assert_max_num_queries):
    client = signed_in(world.trust_hr)
    job = ask(client)
    build_export_file(job.pk)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("reports:outstanding"))
    on_the_list = len(few.captured_queries)  # read now: the next request clears the log it is read from
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("reports:export_job", args=[job.pk]))
    on_the_job_page = len(few.captured_queries)
    for query in ({"school": "north"}, {"school": "south"}, {"overdue": "on"}, {"group": "teaching"}):
        build_export_file(ask(client, query=query).pk)
    ask(client, query={"policy": "email-policy"})

    with django_assert_max_num_queries(on_the_list):
        page = client.get(reverse("reports:outstanding")).content.decode()
    assert page.count("asked for") == 5  # the last few, not all six
    with django_assert_max_num_queries(on_the_job_page):
        client.get(reverse("reports:export_job", args=[job.pk]))


# ---- a week later --------------------------------------------------------------------------


def test_the_daily_run_removes_exports_a_week_old_with_their_files(world, signed_in, owing):
    client = signed_in(world.trust_hr)
    old, recent = ask(client), ask(client, query={"school": "north"})
    for job in (old, recent):
        build_export_file(job.pk)
    old.refresh_from_db()
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    today = timezone.localdate()

    assert "old exports: would remove 1 exports" in run_daily(today=today, dry_run=True)
    assert ExportJob.objects.count() == 2 and (Path(settings.MEDIA_ROOT) / old.file).is_file()
    assert "old exports: 1 exports removed" in run_daily(today=today)

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (Path(settings.MEDIA_ROOT) / old.file).exists()
    assert client.get(reverse("reports:export_job", args=[old.pk])).status_code == 404


def test_a_file_a_dead_worker_left_behind_is_removed_a_week_later(world):
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True)
    (folder / "9-abandoned.xlsx.part").write_bytes(b"half")
    today = timezone.localdate()

    assert remove_old_exports(today) == 0
    assert (folder / "9-abandoned.xlsx.part").exists()
    remove_old_exports(today + datetime.timedelta(days=export_jobs.KEPT_FOR_DAYS + 1))
    assert not (folder / "9-abandoned.xlsx.part").exists()


def test_following_the_export_link_prepares_nothing_until_the_person_asks(world, signed_in, owing, sent):
    """A link scanner, a bookmark or a forged image request GETs the URL: it
    is offered the button, and no file is prepared."""
    jobs = sent
    client = signed_in(world.trust_hr)

    page = client.get(XLSX, {"overdue": "1"})

    assert page.status_code == 200 and ">Prepare Excel (XLSX)</button>" in page.content.decode()
    assert not ExportJob.objects.exists() and jobs == []
    job = ask(client, query={"overdue": "1"})
    assert ExportJob.objects.count() == 1 and job.filters.get("overdue")
