"""Retention may erase the personal details around a sign-off (the network
address and browser it came from); the trigger still refuses any other change
and every delete."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION acknowledgements_signoff_is_evidence() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.person_id = OLD.person_id AND NEW.version_id = OLD.version_id
       AND NEW.content_hash = OLD.content_hash AND NEW.statement = OLD.statement
       AND NEW.period = OLD.period AND NEW.signed_at = OLD.signed_at AND NEW.signed_on = OLD.signed_on
       AND NEW.method = OLD.method AND NEW.recorded_by_id IS NOT DISTINCT FROM OLD.recorded_by_id
       AND NEW.note = OLD.note AND NEW.ip_address IS NULL AND NEW.user_agent = ''
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'A sign-off is evidence and can never be changed or deleted.';
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION acknowledgements_signoff_is_evidence() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A sign-off is evidence and can never be changed or deleted.';
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0003_compliancesnapshot")]
    operations = [migrations.RunPython(create, restore)]
