"""On PostgreSQL the outstanding CSV is written by COPY, byte for byte what
Python's csv writes for the same rows (exports.csv_chunks stays the
reference, and the path SQLite takes), in 64 KB pieces; a COPY that fails or
is abandoned mid-stream leaves the connection usable."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from people.models import StaffGroup
from reports import exports, selectors
from reports.columns import COLUMNS, as_rows
from reports.selectors import SORTS, OutstandingFilters
from tests.conftest import is_postgres
from tests.factories import PersonFactory, published_policy, sign_off_rule

pytestmark = pytest.mark.postgres

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _postgres_only():
    if not is_postgres():
        pytest.skip("COPY is PostgreSQL's; SQLite streams the CSV from Python (tests/reports/test_csv_chunks.py)")


@pytest.fixture
def awkward(world):
    """Names, titles and periods that tempt every difference between COPY's
    CSV and Python's: separators, quotes, line breaks, formulas, plain
    numbers, accents, empty cells, someone in two schools."""
    people = [
        ("Zoë, Jane", "O'Brien", StaffGroup.TEACHING, [world.north]),
        ('Ann "Nancy"', "Smith", StaffGroup.SUPPORT, [world.north, world.south]),  # two schools: two rows
        ("Line", "Break\nHere", StaffGroup.LEADERSHIP, [world.south]),
        ("\rCarriage", "Return", StaffGroup.TEACHING, [world.north]),
        ("=SUM(A1:A9)", "Formula", StaffGroup.TEACHING, [world.north]),
        ("+44 7700", "Phone", StaffGroup.SUPPORT, [world.south]),
        ("-3", "Minus", StaffGroup.TEACHING, [world.north]),  # a plain number: left as it is
        ("-3.", "Almost", StaffGroup.TEACHING, [world.north]),  # not quite one: quoted
        ("-\u0663", "Arabic", StaffGroup.TEACHING, [world.north]),  # a non-ASCII digit: not a plain number, quoted
        ("@home", "At", StaffGroup.LEADERSHIP, [world.north]),
        ("\tTab", "Bed", StaffGroup.SUPPORT, [world.north]),
        ("Éloïse", "Ångström–Łukasz", StaffGroup.TEACHING, [world.south]),
        ("", "Nofirst", StaffGroup.TEACHING, [world.north]),
        ("Quote", '"', StaffGroup.SUPPORT, [world.north]),
    ]
    for first, last, group, schools in people:
        PersonFactory(first_name=first, last_name=last, staff_group=group, schools=schools)
    PersonFactory(first_name="Equals", last_name="Email", email="=cmd@school.example", schools=[world.north])
    PersonFactory(first_name="Trustee", last_name="Person", staff_group=StaffGroup.TRUSTEE, schools=[world.north])
    sign_off_rule(published_policy(title='-Email, "Policy"'), groups=[g.value for g in StaffGroup])
    sign_off_rule(published_policy(title="Safeguarding; naïve café"), groups=["teaching", "support"])
    sync_obligations(today=TODAY)
    owed = list(Obligation.objects.order_by("pk").values_list("pk", flat=True))
    periods = ["2026", "0099", "x-1", "-5", "=1", "", "2025 ", "9999999999"]
    for n, pk in enumerate(owed):
        Obligation.objects.filter(pk=pk).update(
            period=periods[n % len(periods)], due_on=TODAY + datetime.timedelta(days=(n % 7) * 9 - 30))
    return owed


def python_csv(obligations) -> bytes:
    return "".join(exports.csv_chunks(as_rows(obligations, today=TODAY))).encode()


def copy_csv(obligations, **options) -> bytes:
    return b"".join(exports.copy_csv_chunks(obligations, today=TODAY, **options))


def outstanding(world, **filters):
    return selectors.outstanding([world.trust.pk, world.north.pk, world.south.pk], OutstandingFilters(**filters),
                                 today=TODAY)


def test_copy_writes_exactly_what_python_writes(world, awkward):
    obligations = outstanding(world)

    written = copy_csv(obligations)

    assert written == python_csv(obligations)
    assert written.count(b"\r\n") > len(awkward)  # one row per obligation per school, each ended CRLF
    assert b"'=SUM(A1:A9) Formula" in written and b"'-3 Minus" in written and b"'@home At" in written
    assert b",-5," in written and b",'=1," in written  # a period that is a plain number is left as it is
    assert '"Zoë, Jane O\'Brien"'.encode() in written and "2026–27".encode() in written


@pytest.mark.parametrize("sort", list(SORTS))
def test_copy_follows_every_sort_of_the_page(world, awkward, sort):
    for descending in (False, True):
        obligations = outstanding(world, sort=sort, descending=descending)
        assert copy_csv(obligations) == python_csv(obligations), (sort, descending)


@pytest.mark.parametrize("filters", [
    {"school": "north"}, {"school": "south"}, {"group": "support"}, {"overdue": True},
    {"started_from": datetime.date(2020, 1, 1), "started_to": datetime.date(2030, 1, 1)},
    {"school": "nowhere"},
], ids=str)
def test_copy_follows_the_pages_filters(world, awkward, filters):
    obligations = outstanding(world, **filters)
    assert copy_csv(obligations) == python_csv(obligations)


def test_every_way_a_column_is_presented_has_its_sql_form():
    assert {column.present for column in COLUMNS} <= set(exports._SQL_FORMS)


def test_the_copy_comes_in_pieces_of_the_size_asked(world, awkward):
    obligations = outstanding(world)

    pieces = list(exports.copy_csv_chunks(obligations, today=TODAY, size=300))

    assert len(pieces) > 3
    assert all(len(piece) >= 300 for piece in pieces[:-1])
    assert b"".join(pieces) == python_csv(obligations)


def test_an_empty_list_is_its_header_alone(world):
    obligations = outstanding(world, school="nowhere")
    assert list(exports.copy_csv_chunks(obligations, today=TODAY)) == [python_csv(obligations)]


def test_the_page_streams_the_copy(world, signed_in, awkward, monkeypatch):
    called = []
    monkeypatch.setattr(exports, "copy_csv_chunks", lambda *a, **k: called.append(1) or iter([b"copied"]))

    response = signed_in(world.trust_hr).get(reverse("reports:export", args=["csv"]))

    assert b"".join(response.streaming_content) == b"copied" and called


def test_a_download_abandoned_mid_stream_leaves_the_connection_usable(world, awkward, monkeypatch):
    # Long enough that the server is still sending when the browser goes away,
    # so the COPY is cancelled rather than simply finished.
    endless = "COPY (SELECT n, repeat('x', 100) FROM generate_series(1, 5000000) n) TO STDOUT WITH (FORMAT csv)"
    monkeypatch.setattr(exports, "copy_statement", lambda obligations, today: (endless, ()))
    stream = exports.copy_csv_chunks(outstanding(world), today=TODAY, size=100_000)
    next(stream)
    next(stream)

    stream.close()  # what a web server does when the browser goes away

    assert Obligation.objects.filter(pk=awkward[0]).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_database_error_mid_stream_is_raised_and_leaves_the_connection_usable(world, awkward, monkeypatch):
    # Row 5,000 of 10,000 divides by zero, after several pieces have gone.
    failing = ("COPY (SELECT CASE WHEN n < 5000 THEN n ELSE 1 / (n - n) END FROM generate_series(1, 10000) n) "
               "TO STDOUT WITH (FORMAT csv)")
    monkeypatch.setattr(exports, "copy_statement", lambda obligations, today: (failing, ()))
    received = []

    with pytest.raises(DatabaseError, match="division by zero"):
        for piece in exports.copy_csv_chunks(outstanding(world), today=TODAY, size=1000):
            received.append(piece)

    assert len(received) > 3
    assert Obligation.objects.filter(pk=awkward[0]).exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_as_a_web_request_streams_an_abandoned_copy_leaves_the_connection_idle(monkeypatch):
    endless = "COPY (SELECT n, repeat('x', 100) FROM generate_series(1, 5000000) n) TO STDOUT WITH (FORMAT csv)"
    monkeypatch.setattr(exports, "copy_statement", lambda obligations, today: (endless, ()))
    assert not connection.in_atomic_block
    stream = exports.copy_csv_chunks(Obligation.objects.all(), today=TODAY, size=100_000)
    next(stream)

    stream.close()

    assert connection.connection.info.transaction_status.name == "IDLE"
    assert not Obligation.objects.exists()
