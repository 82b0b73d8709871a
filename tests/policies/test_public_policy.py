from django.urls import reverse

from tests.factories import published_policy


def test_public_policy_is_readable_without_signing_in(client, world):
    policy = published_policy(title="Behaviour Policy", is_public=True, body="## 1. Our approach\n\n1.1 Kindness.")
    response = client.get(reverse("public:policy", args=[policy.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Behaviour Policy" in page
    assert "Kindness." in page
    assert "Date approved (committee)" in page


def test_policy_not_flagged_public_is_not_found_without_signing_in(client, world):
    policy = published_policy(title="Internal Policy", is_public=False)
    assert client.get(reverse("public:policy", args=[policy.slug])).status_code == 404


def test_public_index_lists_only_public_policies(client, world):
    published_policy(title="Behaviour Policy", is_public=True)
    published_policy(title="Internal Policy", is_public=False)
    page = client.get(reverse("public:index")).content.decode()
    assert "Behaviour Policy" in page
    assert "Internal Policy" not in page


def test_public_page_links_only_to_other_public_policies(client, world):
    public = published_policy(title="Behaviour Policy", is_public=True)
    public.related.add(published_policy(title="Internal Policy", is_public=False))
    public.related.add(published_policy(title="Anti-bullying Policy", is_public=True))
    page = client.get(reverse("public:policy", args=[public.slug])).content.decode()
    assert "Anti-bullying Policy" in page
    assert "Internal Policy" not in page


def test_public_page_hides_history_and_staff_navigation(client, world):
    policy = published_policy(title="Behaviour Policy", is_public=True)
    page = client.get(reverse("public:policy", args=[policy.slug])).content.decode()
    assert "Audit timeline" not in page
    assert "Sign out" not in page
