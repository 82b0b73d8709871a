"""On PostgreSQL, the database itself refuses to change or delete a sign-off,
whatever code (or person at a psql prompt) asks. SQLite, the development
default, relies on the model and queryset guards."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION acknowledgements_signoff_is_evidence() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A sign-off is evidence and can never be changed or deleted.';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS acknowledgements_signoff_no_change ON acknowledgements_signoff;
CREATE TRIGGER acknowledgements_signoff_no_change
    BEFORE UPDATE OR DELETE ON acknowledgements_signoff
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_signoff_is_evidence();
"""
DROP = """
DROP TRIGGER IF EXISTS acknowledgements_signoff_no_change ON acknowledgements_signoff;
DROP FUNCTION IF EXISTS acknowledgements_signoff_is_evidence();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
