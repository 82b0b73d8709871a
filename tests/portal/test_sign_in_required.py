"""Every page but the public ones and sign-in asks for a sign-in first."""

import pytest
from django.urls import reverse

from tests.factories import published_policy


@pytest.mark.parametrize(
    "name,args",
    [("policies:library", []), ("policies:detail", ["p"]), ("policies:version", ["p", "1.0"]),
     ("imports:upload", [])],
)
def test_staff_pages_redirect_anonymous_visitors_to_sign_in(client, world, name, args):
    published_policy(slug="p", is_public=True)
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_sign_in_page_is_open(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Work email" in response.content.decode()


def test_outsider_without_staff_record_cannot_import(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("imports:upload")).status_code == 403


def test_admin_is_for_administrators_only(client, world):
    client.force_login(world.governance.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
