#!/usr/bin/env bash
# Create the portal's two PostgreSQL roles and its database; run as a superuser.
#
#   sudo -u postgres OWNER_PASSWORD=... APP_PASSWORD=... deploy/create-database-roles.sh policyportal
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432 deploy/create-database-roles.sh policyportal
#
# policyportal_owner (OWNER_ROLE) owns the database, its schema and every table
# and runs the migrations (MIGRATION_DATABASE_URL). policyportal_app (APP_ROLE)
# is what web, worker and beat connect as (DATABASE_URL): not a superuser, owns
# nothing, so it cannot TRUNCATE, ALTER or drop a trigger. Its table grants
# come from `manage.py grant_app_role`, which deploy/release.sh runs after
# every migrate. Safe to run again: it creates what is missing, hands anything
# in the schema owned by another role (e.g. an older single-role install) to
# the owner, and sets the passwords only when given.
set -euo pipefail

database="${1:?usage: deploy/create-database-roles.sh DATABASE_NAME}"
admin="${PG_ADMIN_URL:-postgresql://}"
owner="${OWNER_ROLE:-policyportal_owner}"
app="${APP_ROLE:-policyportal_app}"

psql_as_admin() {
  local db="$1"; shift
  psql -X -q -v ON_ERROR_STOP=1 -v owner="$owner" -v app="$app" -v database="$database" \
    ${OWNER_PASSWORD:+-v owner_password="$OWNER_PASSWORD"} ${APP_PASSWORD:+-v app_password="$APP_PASSWORD"} \
    "$admin/$db" "$@"
}

psql_as_admin postgres <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'owner', :'app']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
-- Whatever the roles were before, neither may be more than an ordinary login.
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
\if :{?owner_password}
ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE :"app" PASSWORD :'app_password';
\endif
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"owner";
-- Only the two roles connect; nobody gets temporary tables by default.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"app";
SQL

psql_as_admin "$database" <<'SQL'
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Hand over what an earlier install created as another role (tables first:
-- their sequences move with them), leaving extensions' objects alone.
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, :'owner')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> to_regrole(:'owner')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \gexec
SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', n.nspname, c.relname, :'owner')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> to_regrole(:'owner')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proowner <> to_regrole(:'owner')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \gexec
SQL

echo "Roles $owner (owner) and $app (app) are ready for database $database."
echo "Next: deploy/release.sh (migrate as $owner, then grant_app_role for $app)."
