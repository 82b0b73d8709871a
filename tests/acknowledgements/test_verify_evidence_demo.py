"""The demo trust's evidence verifies intact (every sign-off and viewing the
demo loads is sealed), and migration 0013 seals evidence written before the
chain existed so an upgraded database verifies intact too."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from acknowledgements import evidence_check
from acknowledgements.models import ChainHead, EvidenceLink, Exemption, SignOff, Viewing
from portal.demo import load_demo
from tests.factories import published_policy

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def test_verify_evidence_passes_on_the_demo_trust():
    load_demo(today=TODAY)
    assert SignOff.objects.exists()

    out = io.StringIO()
    call_command("verify_evidence", stdout=out)

    records = SignOff.objects.count() + Viewing.objects.count() + Exemption.objects.count()
    assert out.getvalue().splitlines()[-1] == f"evidence: {records:,} records, chain intact"


def test_the_migration_seals_evidence_recorded_before_the_chain_in_the_order_it_happened(world):
    policy = published_policy(title="Email Policy")
    version = policy.current_version
    with connection.cursor() as cursor:  # as an older release wrote them: no links
        for person, day in ((world.owner, 3), (world.staff, 1)):
            cursor.execute(
                "INSERT INTO acknowledgements_signoff (person_id, version_id, content_hash, statement, period,"
                " signed_at, signed_on, method, note, user_agent, session_began_with) VALUES (%s, %s, %s,"
                " 'I read it.', '', %s, %s, 'hr', '', '', '')",
                [person.pk, version.pk, version.content_hash,
                 datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), datetime.date(2026, 11, day)])
    assert not evidence_check.verify(save=False).intact  # unsealed

    migration = importlib.import_module("acknowledgements.migrations.0013_seal_existing_evidence")
    migration.seal_existing(apps, connection.schema_editor())

    name = f"trust-{world.trust.pk}"
    assert list(EvidenceLink.objects.filter(chain=name).order_by("position")
                .values_list("position", "record_id")) == [
        (1, SignOff.objects.get(person=world.staff).pk), (2, SignOff.objects.get(person=world.owner).pk)]
    assert ChainHead.objects.get(chain=name).position == 2
    assert evidence_check.verify().intact
    migration.seal_existing(apps, connection.schema_editor())  # twice: nothing sealed again
    assert EvidenceLink.objects.count() == 2
