"""The demo trust shows the evidence a person trying it expects: every
browser sign-off opened a few minutes before, and checks of understanding
passed, some at the second try."""

import io

from django.core.management import call_command

from acknowledgements.models import QuizAttempt, SignOff, Viewing


def test_the_demos_browser_sign_offs_were_opened_first_and_checks_answered(db):
    call_command("load_demo", stdout=io.StringIO())
    browser = SignOff.objects.filter(method=SignOff.Method.BROWSER)
    assert browser.exists()
    assert not browser.filter(viewed_at__isnull=True).exists()
    for sign_off in browser:
        viewing = Viewing.objects.get(person=sign_off.person, version=sign_off.version, period=sign_off.period)
        assert viewing.viewed_at == sign_off.viewed_at < sign_off.signed_at
    checked = browser.exclude(version__quiz=[])
    assert checked.exists()
    assert not checked.filter(quiz_attempts__isnull=True).exists()
    assert checked.filter(quiz_attempts=2).exists()
    assert QuizAttempt.objects.filter(number=1, passed=False).exists()
    assert not SignOff.objects.filter(method=SignOff.Method.RECORDED_BY_HR, viewed_at__isnull=False).exists()
