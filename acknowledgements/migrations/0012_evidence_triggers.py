"""On PostgreSQL the database refuses to change or delete the other evidence
of issue 19, as it does sign-offs (0002, 0006): viewings, exemptions and the
evidence chain's links. A viewing's address and browser may be erased, as a
sign-off's, once its person is anonymised (retention); nothing else. TRUNCATE
is refused except to a superuser (the test suite's flush), as for sign-offs."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION acknowledgements_evidence_is_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'This is evidence and can never be changed or deleted.';
END;
$$;

CREATE OR REPLACE FUNCTION acknowledgements_viewing_is_evidence() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    erased public.acknowledgements_viewing;
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
    RAISE EXCEPTION 'This is evidence and can never be changed or deleted.';
END;
$$;

CREATE OR REPLACE FUNCTION acknowledgements_evidence_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'This is evidence and can never be changed or deleted.';
END;
$$;

CREATE TRIGGER acknowledgements_viewing_no_change BEFORE UPDATE OR DELETE ON acknowledgements_viewing
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_viewing_is_evidence();
CREATE TRIGGER acknowledgements_exemption_no_change BEFORE UPDATE OR DELETE ON acknowledgements_exemption
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_evidence_is_append_only();
CREATE TRIGGER acknowledgements_evidencelink_no_change BEFORE UPDATE OR DELETE ON acknowledgements_evidencelink
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_evidence_is_append_only();
CREATE TRIGGER acknowledgements_viewing_no_truncate BEFORE TRUNCATE ON acknowledgements_viewing
    FOR EACH STATEMENT EXECUTE FUNCTION acknowledgements_evidence_refuse_truncate();
CREATE TRIGGER acknowledgements_exemption_no_truncate BEFORE TRUNCATE ON acknowledgements_exemption
    FOR EACH STATEMENT EXECUTE FUNCTION acknowledgements_evidence_refuse_truncate();
CREATE TRIGGER acknowledgements_evidencelink_no_truncate BEFORE TRUNCATE ON acknowledgements_evidencelink
    FOR EACH STATEMENT EXECUTE FUNCTION acknowledgements_evidence_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS acknowledgements_viewing_no_change ON acknowledgements_viewing;
DROP TRIGGER IF EXISTS acknowledgements_exemption_no_change ON acknowledgements_exemption;
DROP TRIGGER IF EXISTS acknowledgements_evidencelink_no_change ON acknowledgements_evidencelink;
DROP TRIGGER IF EXISTS acknowledgements_viewing_no_truncate ON acknowledgements_viewing;
DROP TRIGGER IF EXISTS acknowledgements_exemption_no_truncate ON acknowledgements_exemption;
DROP TRIGGER IF EXISTS acknowledgements_evidencelink_no_truncate ON acknowledgements_evidencelink;
DROP FUNCTION IF EXISTS acknowledgements_evidence_is_append_only();
DROP FUNCTION IF EXISTS acknowledgements_viewing_is_evidence();
DROP FUNCTION IF EXISTS acknowledgements_evidence_refuse_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0011_evidence")]
    operations = [migrations.RunPython(create, drop)]
