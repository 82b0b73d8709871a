"""Sign-in throttling (django-axes): five failures for one email from one
address lock that pair out for 15 minutes, whatever the case of the email."""

import pytest

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR="192.0.2.10")


def test_five_failures_lock_the_email_out_even_with_the_right_password(world, client):
    for attempt in range(4):
        assert sign_in(client, "staff@school.example", f"guess {attempt}").status_code == 200
    assert sign_in(client, "staff@school.example", "fifth guess").status_code == 429  # the fifth locks
    locked = sign_in(client, "staff@school.example", world.password)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15 minutes" in locked.content.decode()


def test_changing_the_case_of_the_email_does_not_dodge_the_lock(world, client):
    for attempt in range(5):
        sign_in(client, "Staff@School.example" if attempt % 2 else "STAFF@school.example", "wrong")
    assert sign_in(client, "staff@school.example", world.password).status_code == 429


def test_the_right_password_before_the_limit_signs_in_and_resets_the_count(world, client):
    for _ in range(4):
        sign_in(client, "staff@school.example", "wrong")
    assert sign_in(client, "staff@school.example", world.password).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "staff@school.example", "wrong")
    assert sign_in(client, "staff@school.example", world.password).status_code == 302


def test_a_forged_huge_or_nul_email_is_a_failed_sign_in_not_an_error(world, client):
    for email in ("a" * 5000 + "@school.example", "staff\x00@school.example"):
        response = sign_in(client, email, "wrong")
        assert response.status_code == 200
    from axes.models import AccessAttempt

    assert all(len(a.username) <= 254 and "\x00" not in a.username for a in AccessAttempt.objects.all())
