"""People set or change their own password; Django's validators refuse weak ones."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_only(world):
    user = world.staff.user
    user.set_unusable_password()
    user.save()
    return user


def test_someone_who_signed_in_by_link_sets_a_password(world, link_only, client):
    client.force_login(link_only)
    page = client.get("/accounts/password/").content.decode()
    assert "Set a password" in page and "Old password" not in page
    response = client.post("/accounts/password/", {"new_password1": "Kestrel-orchard-42", "new_password2":
                                                    "Kestrel-orchard-42"})
    assert response.status_code == 302
    link_only.refresh_from_db()
    assert link_only.check_password("Kestrel-orchard-42")
    assert client.get("/my/").status_code == 200  # still signed in


@pytest.mark.parametrize("weak,message", [
    ("short1", "This password is too short."),
    ("password123", "This password is too common."),
    ("4815162342", "This password is entirely numeric."),
    ("staff@school.example", "The password is too similar to the work email."),
])
def test_weak_passwords_are_refused_with_the_reason(world, link_only, client, weak, message):
    client.force_login(link_only)
    response = client.post("/accounts/password/", {"new_password1": weak, "new_password2": weak})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    link_only.refresh_from_db()
    assert not link_only.has_usable_password()


def test_changing_a_password_needs_the_old_one(world, client):
    client.force_login(world.staff.user)
    response = client.post("/accounts/password/", {"old_password": "not it", "new_password1": "Kestrel-orchard-42",
                                                   "new_password2": "Kestrel-orchard-42"})
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post("/accounts/password/", {"old_password": world.password,
                                                   "new_password1": "Kestrel-orchard-42",
                                                   "new_password2": "Kestrel-orchard-42"})
    assert response.status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
