"""HR reports against a small hand-built trust whose numbers we know."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from policies.services import publish_version
from reports import selectors
from reports.columns import as_rows
from reports.models import ComplianceSnapshot
from reports.permissions import REPORTS_DENIED
from reports.tasks import refresh_dashboards
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts
from tests.reports.exporting import prepared_export

TODAY = datetime.date.today()


@pytest.fixture
def small_trust(world):
    """North: Sam (owes, overdue), Ann (signed), Lee (left: excluded), a new
    starter (owes, not yet due). South: Sid (signed 1.0; 1.1 is minor)."""
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy, groups=["teaching"], new_starter_days=14, new_version_days=30)
    ann = PersonFactory(first_name="Ann", last_name="North", schools=[world.north])
    PersonFactory(first_name="Lee", last_name="Left", schools=[world.north], leave_date=TODAY)
    starter = PersonFactory(first_name="Nia", last_name="New", schools=[world.north],
                            start_date=TODAY - datetime.timedelta(days=2))
    sid = PersonFactory(first_name="Sid", last_name="South", schools=[world.south])
    sync_obligations()
    view_and_sign(person=ann, version=policy.current_version)
    view_and_sign(person=sid, version=policy.current_version)
    publish_version(VersionFactory(policy=policy, label="1.1", is_major=False, body="## 1. Minor edit"))
    fill_kept_counts()
    return {"policy": policy, "starter": starter}


def names(rows) -> list[str]:
    return sorted(row[0] for row in rows)


def test_outstanding_excludes_leavers_and_minor_versions_are_not_re_owed(world, small_trust):
    school_ids = [world.north.pk, world.south.pk, world.trust.pk]
    rows = list(as_rows(selectors.outstanding(school_ids, selectors.OutstandingFilters())))
    assert names(rows) == ["Nia New", "Sam Staff"]


def test_overdue_only_leaves_out_new_starters_not_yet_due(world, small_trust):
    rows = list(as_rows(selectors.outstanding([world.north.pk], selectors.OutstandingFilters(overdue=True))))
    assert names(rows) == ["Sam Staff"]
    assert rows[0][-2] > 0  # days overdue (the last column, closed_because, is empty on an outstanding row)


def test_new_starters_filter(world, small_trust):
    rows = list(as_rows(selectors.outstanding([world.north.pk],
                                                    selectors.OutstandingFilters(new_starters=True))))
    assert names(rows) == ["Nia New"]


def test_compliance_by_school(world, small_trust):
    by_school = {row.label: row for row in selectors.compliance_by("school", [world.north.pk, world.south.pk])}
    north, south = by_school["North Primary"], by_school["South Academy"]
    assert (north.signed, north.outstanding, north.overdue, north.percent) == (1, 2, 1, 33)
    assert (south.signed, south.outstanding, south.percent) == (1, 0, 100)


def test_staff_cannot_see_reports_or_exports(world, signed_in, small_trust):
    client = signed_in(world.staff)
    for url in [reverse("reports:dashboard"), reverse("reports:outstanding"), reverse("reports:export", args=["csv"]),
                reverse("reports:export", args=["xlsx"])]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert REPORTS_DENIED in response.content.decode()


def test_a_schools_hr_sees_only_its_school_exports_included(world, signed_in, small_trust):
    PersonFactory(first_name="Sue", last_name="Southern", schools=[world.south])
    sync_obligations()
    client = signed_in(world.school_hr)
    page = client.get(reverse("reports:outstanding")).content.decode()
    assert "Sam Staff" in page and "Sue Southern" not in page
    exported = b"".join(client.get(reverse("reports:export", args=["csv"])).streaming_content).decode()
    assert "Sam Staff" in exported and "Sue Southern" not in exported


def test_trust_hr_sees_every_school(world, signed_in, small_trust):
    PersonFactory(first_name="Sue", last_name="Southern", schools=[world.south])
    sync_obligations()
    assert "Sue Southern" in signed_in(world.trust_hr).get(reverse("reports:outstanding")).content.decode()


def test_csv_and_xlsx_exports_equal_the_filtered_page(world, signed_in, small_trust):
    client = signed_in(world.trust_hr)
    query = {"school": "north", "overdue": "on"}
    page = client.get(reverse("reports:outstanding"), query)
    on_page = [o.person_name for o in page.context["page"].object_list]
    csv_rows = list(csv.reader(io.StringIO(b"".join(
        client.get(reverse("reports:export", args=["csv"]), query).streaming_content).decode())))
    assert csv_rows[0] == ["person", "email", "school", "staff_group", "policy", "version", "period", "variant",
                           "owed_since", "due", "days_overdue", "closed_because"]
    assert [row[0] for row in csv_rows[1:]] == on_page == ["Sam Staff"]
    workbook = load_workbook(io.BytesIO(prepared_export(client, "xlsx", query)))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[0] for row in sheet_rows[1:]] == on_page


def test_outstanding_command_gives_the_same_rows(world, small_trust, tmp_path):
    out = io.StringIO()
    call_command("outstanding", "--school", "north", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert names(rows[1:]) == ["Nia New", "Sam Staff"]
    call_command("outstanding", "--overdue", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    sheet = list(load_workbook(tmp_path / "o.xlsx").active.iter_rows(values_only=True))
    assert [row[0] for row in sheet[1:]] == ["Sam Staff"]


def test_report_pages_query_counts_do_not_grow(world, signed_in, small_trust, django_assert_max_num_queries):
    client = signed_in(world.trust_hr)
    # The first view computes the figures, and reconstructs the trend's
    # earlier days once (reports.compliance_days): a few grouped queries more.
    # 33: the statutory checklist's line for trust HR (statutory.dashboard); 34 on
    # SQLite, which writes the trend's reconstructed days in two INSERT batches.
    with django_assert_max_num_queries(34 if connection.vendor == "sqlite" else 33) as dashboard_few:
        client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(20) as list_few:
        client.get(reverse("reports:outstanding"))
    for n in range(30):
        PersonFactory(first_name=f"Extra{n}", schools=[world.north if n % 2 else world.south])
    for n in range(3):
        sign_off_rule(published_policy(title=f"More Policy {n}"), groups=["teaching"])
    sync_obligations()
    with django_assert_max_num_queries(len(dashboard_few.captured_queries)):
        client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        client.get(reverse("reports:outstanding"))


def test_dashboard_shows_numbers_in_a_table(world, signed_in, small_trust):
    page = signed_in(world.trust_hr).get(reverse("reports:dashboard")).content.decode()
    assert "By school" in page and "North Primary" in page and "33%" in page


def test_dashboard_reads_the_workers_snapshot(world, signed_in, small_trust, django_assert_max_num_queries):
    assert refresh_dashboards() == 2  # trust HR and North's HR see different schools
    client = signed_in(world.trust_hr)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:dashboard")).content.decode()
    assert "Figures as of" in page and "North Primary" in page
    assert ComplianceSnapshot.objects.count() == 2


def test_a_stale_snapshot_is_recomputed(world, signed_in, small_trust):
    from django.utils import timezone

    client = signed_in(world.trust_hr)
    client.get(reverse("reports:dashboard"))
    ComplianceSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=1),
                                      data={"by_policy": [], "by_school": [], "by_group": [], "trend": []})
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "North Primary" in page


def test_the_csv_download_arrives_in_one_piece_when_it_is_small(world, signed_in, small_trust):
    """Written as 64 KB pieces, not a write per row (a server's system call each)."""
    response = signed_in(world.trust_hr).get(reverse("reports:export", args=["csv"]))
    pieces = list(response.streaming_content)
    assert len(pieces) == 1
    assert pieces[0].decode().count("\n") >= 3  # the header and the owing rows


def test_the_filters_keep_what_was_chosen_and_say_which_date_they_could_not_read(world, signed_in, small_trust):
    chosen = {"school": world.north.slug, "group": "teaching", "overdue": "on", "started_from": "31/02/2026"}
    page = signed_in(world.trust_hr).get(reverse("reports:outstanding"), chosen).content.decode()
    assert f'<option value="{world.north.slug}" selected>' in page
    assert '<option value="teaching" selected>' in page
    assert '<input type="checkbox" name="overdue" id="id_overdue" checked>' in page
    assert '<input type="checkbox" name="closed" id="id_closed">' in page
    assert ('<input type="date" name="started_from" value="31/02/2026" aria-invalid="true" '
            'aria-describedby="id_started_from_error" id="id_started_from">') in page
    assert '<p class="field-error" id="id_started_from_error">Enter a valid date.</p>' in page
    assert ('<label for="id_started_to">Started to:</label>'
            '<input type="date" name="started_to" id="id_started_to">') in page
