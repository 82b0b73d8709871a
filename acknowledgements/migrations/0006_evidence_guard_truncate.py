"""The evidence guard, tightened (issue 13, finding 5).

- An UPDATE may only erase the address and browser of a sign-off whose signer
  is an anonymised leaver (retention sets people_person.anonymised_on first,
  in the same transaction); every other column, including any added later,
  must stay as it was. 0004 let anyone blank any row.
- TRUNCATE skips row triggers, so a statement-level trigger refuses it too,
  also when it arrives through TRUNCATE ... CASCADE on people_person. Only a
  superuser passes: it could disable the trigger anyway, and the test suite's
  flush (which runs as one) empties its own throwaway database this way. The
  app never connects as a superuser or as the owner (docs/database-roles.md).

Names are schema-qualified and search_path is pinned so that a session's own
temporary people_person table cannot stand in for the real one."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION acknowledgements_signoff_is_evidence() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    erased public.acknowledgements_signoff;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        erased := OLD;
        erased.ip_address := NULL;
        erased.user_agent := '';
        IF NEW IS NOT DISTINCT FROM erased AND EXISTS (
            SELECT 1 FROM public.people_person WHERE id = OLD.person_id AND anonymised_on IS NOT NULL
        ) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'A sign-off is evidence and can never be changed or deleted.';
END;
$$;

CREATE OR REPLACE FUNCTION acknowledgements_signoff_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'A sign-off is evidence and can never be changed or deleted.';
END;
$$;
DROP TRIGGER IF EXISTS acknowledgements_signoff_no_truncate ON acknowledgements_signoff;
CREATE TRIGGER acknowledgements_signoff_no_truncate
    BEFORE TRUNCATE ON acknowledgements_signoff
    FOR EACH STATEMENT EXECUTE FUNCTION acknowledgements_signoff_refuse_truncate();
"""

# 0004's function, put back on the way down.
PREVIOUS = """
DROP TRIGGER IF EXISTS acknowledgements_signoff_no_truncate ON acknowledgements_signoff;
DROP FUNCTION IF EXISTS acknowledgements_signoff_refuse_truncate();
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
ALTER FUNCTION acknowledgements_signoff_is_evidence() RESET search_path;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0005_sign_off_session_began_with")]
    operations = [migrations.RunPython(create, restore)]
