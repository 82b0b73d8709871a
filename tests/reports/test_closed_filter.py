"""The outstanding list's "Closed without signing" filter: what ended unsigned,
with why, on the page, in the CSV (COPY and Python alike) and the XLSX; and
the closed_because column, empty on an outstanding row."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from acknowledgements.exemptions import exempt
from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from reports import exports, selectors
from reports.columns import HEADER, as_rows
from reports.selectors import OutstandingFilters
from tests.conftest import is_postgres
from tests.factories import PersonFactory, RoleFactory, published_policy, sign_off_rule
from tests.reports.exporting import prepared_export

TODAY = datetime.date(2026, 11, 25)
URL = reverse("reports:outstanding")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def closed(world):
    """Sam exempted by North's HR; Lee left North; Nia still owes it."""
    policy = published_policy(organisation=world.trust, title="Code of Conduct")
    sign_off_rule(policy, groups=["teaching"])
    leaver = PersonFactory(first_name="Lee", last_name="Leaver", schools=[world.north])
    PersonFactory(first_name="Nia", last_name="Owes", schools=[world.north])
    sync_obligations(today=TODAY)
    exempt(obligation=Obligation.objects.get(person=world.staff, policy=policy), reason="On long-term sick leave",
           by=world.school_hr.user)
    leaver.leave_date = TODAY
    leaver.save()
    sync_obligations(people=[leaver.pk], today=TODAY)
    return policy


def csv_rows(client, query: dict) -> list[list[str]]:
    body = b"".join(client.get(reverse("reports:export", args=["csv"]), query).streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def by_name(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[HEADER.index("closed_because")] for row in rows[1:]}


def test_the_filter_lists_what_closed_without_signing_and_why(world, signed_in, closed):
    page = signed_in(world.school_hr).get(URL, {"closed": "on"}).content.decode()
    assert "2 sign-offs closed without signing" in page
    assert "closed 25 Nov 2026: Exempted by HR" in page
    assert "closed 25 Nov 2026: Left the trust" in page
    assert "Nia Owes" not in page


def test_without_the_filter_the_list_is_what_is_outstanding(world, signed_in, closed):
    page = signed_in(world.school_hr).get(URL).content.decode()
    assert "Nia Owes" in page and "Sam Staff" not in page and "Lee Leaver" not in page
    assert "Closed without signing" in page  # the filter is offered


def test_the_csv_has_a_closed_because_column_empty_on_outstanding_rows(world, signed_in, closed):
    client = signed_in(world.school_hr)
    assert HEADER[-1] == "closed_because"
    assert by_name(csv_rows(client, {"closed": "on"})) == {
        "Sam Staff": "Exempted by HR", "Lee Leaver": "Left the trust"}
    assert by_name(csv_rows(client, {})) == {"Nia Owes": ""}


def test_the_xlsx_of_the_closed_list_says_why(world, signed_in, closed):
    data = prepared_export(signed_in(world.trust_hr), "xlsx", {"closed": "on"})
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert {row[0]: row[HEADER.index("closed_because")] for row in rows[1:]} == {
        "Sam Staff": "Exempted by HR", "Lee Leaver": "Left the trust"}


def test_another_schools_hr_sees_none_of_them(world, signed_in, closed):
    south_hr = PersonFactory(schools=[world.south])
    RoleFactory(person=south_hr, role="hr", organisation=world.south)
    page = signed_in(south_hr).get(URL, {"closed": "on"}).content.decode()
    assert "Sam Staff" not in page and "No sign-off closed without signing matches." in page


def test_the_closed_page_costs_the_same_queries_however_many_rows(world, signed_in, closed,
                                                                  django_assert_max_num_queries):
    client = signed_in(world.school_hr)
    with django_assert_max_num_queries(40) as few:
        client.get(URL, {"closed": "on"})
    for n in range(6):
        person = PersonFactory(first_name=f"Left{n}", schools=[world.north])
        sync_obligations(people=[person.pk], today=TODAY)
        person.leave_date = TODAY
        person.save()
        sync_obligations(people=[person.pk], today=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Left5" in client.get(URL, {"closed": "on"}).content.decode()


@pytest.mark.postgres
def test_copy_writes_the_closed_list_exactly_as_python_does(world, closed):
    if not is_postgres():
        pytest.skip("COPY is PostgreSQL's")
    for filters in (OutstandingFilters(closed=True), OutstandingFilters()):
        obligations = selectors.outstanding([world.trust.pk, world.north.pk, world.south.pk], filters, today=TODAY)
        written = b"".join(exports.copy_csv_chunks(obligations, today=TODAY))
        assert written == "".join(exports.csv_chunks(as_rows(obligations, today=TODAY))).encode()
    assert b",Exempted by HR\r\n" in b"".join(exports.copy_csv_chunks(
        selectors.outstanding([world.north.pk], OutstandingFilters(closed=True), today=TODAY), today=TODAY))


def test_the_command_lists_the_closed_ones_with_closed(world, closed):
    out = io.StringIO()
    call_command("outstanding", "--closed", "--format", "csv", stdout=out)
    assert by_name(list(csv.reader(io.StringIO(out.getvalue())))) == {
        "Sam Staff": "Exempted by HR", "Lee Leaver": "Left the trust"}
