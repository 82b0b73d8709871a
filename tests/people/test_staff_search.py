"""HR searches staff by name or email without the name ever going in a URL."""

from django.urls import reverse

from tests.factories import PersonFactory


def search(client, **fields):
    return client.post(reverse("people:list"), {"q": "", "school": "", **fields})


def test_the_search_is_posted_and_the_url_carries_no_name(world, signed_in):
    PersonFactory(first_name="Sid", last_name="South", schools=[world.south])
    client = signed_in(world.trust_hr)
    response = search(client, q="Sid")
    assert response.status_code == 302
    assert "Sid" not in response["Location"] and "q=" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Sid South" in page and world.staff.full_name not in page
    assert 'value="Sid"' in page  # the box still shows what was searched


def test_school_and_leaver_filters_stay_in_the_url(world, signed_in):
    client = signed_in(world.trust_hr)
    response = search(client, q="Sam", school="north", include_leavers="on")
    assert response["Location"] == "/people/?searched=1&school=north&include_leavers=on"
    assert world.staff.full_name in client.get(response["Location"]).content.decode()


def test_opening_the_staff_list_afresh_forgets_the_search(world, signed_in):
    client = signed_in(world.trust_hr)
    search(client, q="nobody-matches-this")
    assert "No staff match." in client.get("/people/?searched=1").content.decode()
    page = client.get(reverse("people:list")).content.decode()
    assert world.staff.full_name in page and "nobody-matches-this" not in page


def test_next_page_keeps_the_search(world, signed_in):
    for n in range(55):
        PersonFactory(first_name="Pat", last_name=f"Page{n:02d}", schools=[world.north])
    client = signed_in(world.trust_hr)
    first = client.get(search(client, q="Pat")["Location"]).content.decode()
    assert "Page 1 of 2" in first and 'href="?searched=1&amp;page=2"' in first
    second = client.get("/people/?searched=1&page=2").content.decode()
    assert "Pat Page54" in second and world.staff.full_name not in second


def test_a_search_for_another_schools_person_finds_nothing(world, signed_in):
    PersonFactory(first_name="Sid", last_name="South", schools=[world.south])
    client = signed_in(world.school_hr)
    assert "Sid South" not in client.get(search(client, q="Sid")["Location"]).content.decode()
