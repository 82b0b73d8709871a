"""The Django admin, outside the matrix (it checks is_staff itself): nobody
but an administrator opens it, whatever their role in the portal."""

import pytest

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/people/person/", "/admin/acknowledgements/signoff/", "/admin/privacy/privacyevent/",
               "/admin/outbox/outboxemail/"]


@pytest.mark.parametrize("who", ["staff", "school_hr", "trust_hr", "governance", "owner", "outsider"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_portal_roles_cannot_open_the_admin(world, signed_in, who, url):
    response = signed_in(getattr(world, who)).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_administrator_can(world, client, url):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200
