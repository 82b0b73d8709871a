"""portal.bulk.insert_from: rows written by the database from a query, with
every other field as the model would default it."""

import datetime

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from outbox.models import OutboxEmail
from people.models import Person
from portal.bulk import insert_from
from tests.factories import PersonFactory


@pytest.fixture
def people(db):
    return [PersonFactory(first_name=name, email=f"{name.lower()}@school.example") for name in ("Ann", "Ben", "Cat")]


def emails_to(people_query):
    return insert_from(OutboxEmail, people_query, {
        "recipient": F("pk"), "to": F("email"), "subject": Concat(Value("Hello "), F("first_name")),
        "template": Value("emails/hello"),
    })


def test_one_row_per_row_of_the_query_in_its_order(people):
    ids = emails_to(Person.objects.filter(pk__in=[p.pk for p in people]).order_by("-pk"))
    written = OutboxEmail.objects.in_bulk(ids)
    assert [written[pk].to for pk in ids] == ["cat@school.example", "ben@school.example", "ann@school.example"]
    assert [written[pk].subject for pk in ids] == ["Hello Cat", "Hello Ben", "Hello Ann"]
    assert [written[pk].recipient_id for pk in ids] == [p.pk for p in reversed(people)]


def test_the_other_fields_take_their_defaults(people):
    before = timezone.now()
    (pk,) = emails_to(Person.objects.filter(pk=people[0].pk))
    email = OutboxEmail.objects.get(pk=pk)
    assert (email.status, email.attempts, email.body_text, email.last_error, email.context) == (
        OutboxEmail.Status.PENDING, 0, "", "", {})
    assert email.next_attempt_at is None and email.sent_at is None and email.claimed_at is None
    assert before - datetime.timedelta(seconds=1) <= email.created_at <= timezone.now()


def test_a_json_value_is_written_as_json(people):
    from django.db.models import JSONField

    (pk,) = insert_from(OutboxEmail, Person.objects.filter(pk=people[1].pk), {
        "recipient": F("pk"), "to": F("email"), "subject": Value("s"),
        "context": Value({"today": "2026-12-02", "ids": [1, 2]}, output_field=JSONField()),
    })
    assert OutboxEmail.objects.get(pk=pk).context == {"today": "2026-12-02", "ids": [1, 2]}


def test_no_rows_write_nothing(people):
    assert emails_to(Person.objects.none()) == []
    assert emails_to(Person.objects.filter(pk=-1)) == []
    assert not OutboxEmail.objects.exists()


def test_a_field_the_model_lacks_is_refused_before_anything_is_written(people):
    with pytest.raises(ValueError, match="OutboxEmail has no field colour"):
        insert_from(OutboxEmail, Person.objects.all(), {"recipient": F("pk"), "colour": Value("red")})
    assert not OutboxEmail.objects.exists()
