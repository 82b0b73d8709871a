"""Re-apply the app role's grants after migrate (deploy/release.sh runs it).

With MIGRATION_DATABASE_URL set, connects as the owner role it names and
grants to the role in DATABASE_URL; otherwise connects with DATABASE_URL
(an owner or a superuser) and grants to --role."""

from __future__ import annotations

import os
from contextlib import contextmanager

import environ
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from portal.database_roles import grant_app_role

POSTGRES_ONLY = "The app role is a PostgreSQL arrangement; this database is not PostgreSQL."


@contextmanager
def owner_cursor():
    url = os.environ.get("MIGRATION_DATABASE_URL", "")
    if not url:
        with transaction.atomic(), connection.cursor() as cursor:
            yield cursor
        return
    config = environ.Env.db_url_config(url)
    params = {"dbname": config["NAME"], "user": config.get("USER") or None, "password": config.get("PASSWORD") or None,
              "host": config.get("HOST") or None, "port": config.get("PORT") or None, **config.get("OPTIONS", {})}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as owner, owner.cursor() as cursor:
        yield cursor  # psycopg commits when the block ends without an error


class Command(BaseCommand):
    help = "Grant the app's PostgreSQL role its privileges: no TRUNCATE, and only SELECT/INSERT on evidence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", help="The app's role (default: the user in DATABASE_URL).")

    def handle(self, *args, role: str | None, **options) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError(POSTGRES_ONLY)
        app = role or settings.DATABASES["default"]["USER"]
        with owner_cursor() as cursor:
            try:
                owner = grant_app_role(cursor, app=app)
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"Granted {app} the app's privileges on the tables owned by {owner}.")
