"""The receipt, its download and HR's page about a person say when the text
was opened and when it was signed, in UK time."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements.viewings import check_result, opened_and_signed
from tests.factories import published_policy, sign_off_rule, view, view_and_sign

UTC = datetime.UTC


def browser(viewed_at, signed_at):
    return SimpleNamespace(method="browser", viewed_at=viewed_at, signed_at=signed_at,
                           signed_on=signed_at.date(), quiz_attempts=None)


def test_opened_and_signed_the_same_day_gives_the_times_in_uk_summer_time():
    words = opened_and_signed(browser(datetime.datetime(2026, 5, 4, 8, 12, tzinfo=UTC),
                                      datetime.datetime(2026, 5, 4, 8, 20, tzinfo=UTC)))
    assert words == "Opened 09:12, signed 09:20"


def test_opened_before_midnight_and_signed_after_gives_both_dates():
    words = opened_and_signed(browser(datetime.datetime(2026, 12, 1, 23, 58, tzinfo=UTC),
                                      datetime.datetime(2026, 12, 2, 0, 3, tzinfo=UTC)))
    assert words == "Opened 1 December 2026, 23:58, signed 2 December 2026, 00:03"


def test_a_paper_sign_off_says_on_paper():
    paper = SimpleNamespace(method="hr", viewed_at=None, signed_at=timezone.now(),
                            signed_on=datetime.date(2026, 3, 2), quiz_attempts=None)
    assert opened_and_signed(paper) == "Signed on paper, 2 March 2026"


def test_an_older_browser_sign_off_without_a_viewing_says_only_when_it_was_signed():
    words = opened_and_signed(browser(None, datetime.datetime(2025, 1, 10, 14, 0, tzinfo=UTC)))
    assert words == "Signed 10 January 2025, 14:00"


def test_the_check_result_names_the_passing_attempt():
    assert check_result(SimpleNamespace(quiz_attempts=2)) == "Check of understanding: passed on attempt 2"
    assert check_result(SimpleNamespace(quiz_attempts=None)) == ""


@pytest.fixture
def signed(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    opened = timezone.now() - datetime.timedelta(minutes=8)
    view(world.staff, policy.current_version, now=opened)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version)
    return sign_off


def expected_words(sign_off) -> str:
    return opened_and_signed(sign_off)


def test_the_receipt_says_when_it_was_opened_and_signed(world, signed_in, signed):
    page = signed_in(world.staff).get(reverse("acknowledgements:receipt", args=[signed.pk])).content.decode()
    opened = timezone.localtime(signed.viewed_at)
    assert f"Opened {opened:%H:%M}" in page or f"Opened {opened:%-d %B %Y, %H:%M}" in page
    assert expected_words(signed) in page


def test_the_receipt_download_says_it_too(world, signed_in, signed):
    text = signed_in(world.staff).get(reverse("acknowledgements:receipt_download", args=[signed.pk])).content
    assert f"Opened and signed:   {expected_words(signed)} (UK time)" in text.decode()


def test_hr_sees_it_on_the_persons_record(world, signed_in, signed):
    page = signed_in(world.school_hr).get(reverse("people:detail", args=[world.staff.pk])).content.decode()
    assert expected_words(signed) in page
