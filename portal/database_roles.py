"""The app's PostgreSQL role may read and write ordinary tables but cannot
rewrite evidence: it owns nothing, so it cannot TRUNCATE, ALTER, DISABLE or
DROP a trigger, and on the evidence tables it may only SELECT and INSERT (plus
UPDATE of the columns retention erases). The tables belong to an owner role
that runs the migrations (docs/database-roles.md).

deploy/create-database-roles.sh creates the roles once, as a superuser;
`manage.py grant_app_role` (this module) re-applies the grants after every
migrate, because a new table, or a column-level grant on a changed table,
needs them again."""

from __future__ import annotations

from psycopg import sql

# Tables whose rows are evidence, and the columns (if any) the app may update.
# Sign-offs: retention erases the address and browser of an anonymised leaver
# (the trigger in acknowledgements/migrations/0006 allows only that). Votes and
# the history of versions and submissions record who approved what, when;
# history_user_id is nulled by Django when a login is deleted (SET_NULL).
EVIDENCE_TABLES: dict[str, tuple[str, ...]] = {
    "acknowledgements_signoff": ("ip_address", "user_agent"),
    "approvals_vote": (),
    "policies_historicalpolicyversion": ("history_user_id",),
    "approvals_historicalsubmission": ("history_user_id",),
}

APP_ROLE_IS_OWNER = "The app's role must not own the tables: run the grants as the owner role for another role."
APP_ROLE_IS_SUPERUSER = "The app's role is a PostgreSQL superuser, which no grant can restrain; use an ordinary role."
NO_TABLES_YET = "The database has no django_migrations table yet: run migrate as the owner role first."


def table_owner(cursor) -> str | None:
    """The owner role is whoever owns the migrated schema."""
    cursor.execute(
        "SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename = 'django_migrations'"
    )
    row = cursor.fetchone()
    return row[0] if row else None


def is_superuser(cursor, role: str) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    return bool(row and row[0])


def app_grants(*, owner: str, app: str, existing_tables: set[str]) -> list[sql.Composed]:
    """The statements that give `app` its privileges, in order. Re-runnable:
    it first takes everything away, inside the caller's transaction."""
    app_id, owner_id = sql.Identifier(app), sql.Identifier(owner)
    statements = [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(app_id),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(app_id),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_id),
        # No TRUNCATE, REFERENCES or TRIGGER anywhere: the app never needs them.
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app_id),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_id),
        # Tables a later migration creates get the same until this runs again.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner_id, app_id),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            owner_id, app_id
        ),
    ]
    for table, columns in EVIDENCE_TABLES.items():
        if table not in existing_tables:
            continue
        statements.append(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), app_id))
        if columns:
            statements.append(
                sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table), app_id
                )
            )
    return statements


def grant_app_role(cursor, *, app: str) -> str:
    """Give `app` the app's privileges on every table in the schema; run as the
    owner (or a superuser). Returns the owner role. Raises ValueError when the
    arrangement would not protect anything."""
    owner = table_owner(cursor)
    if owner is None:
        raise ValueError(NO_TABLES_YET)
    if app == owner:
        raise ValueError(APP_ROLE_IS_OWNER)
    if is_superuser(cursor, app):
        raise ValueError(APP_ROLE_IS_SUPERUSER)
    cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'")
    existing = {row[0] for row in cursor.fetchall()}
    for statement in app_grants(owner=owner, app=app, existing_tables=existing):
        cursor.execute(statement)
    return owner
