"""Bring every obligation in line with the sign-off rules as of a date: the
yearly re-reading opens on its date, leavers drop out, new starters owe."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from acknowledgements.services import sync_obligations

BAD_DATE = "--today must be a date written YYYY-MM-DD, not {value!r}."


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(BAD_DATE.format(value=value)) from error


class Command(BaseCommand):
    help = "Create, reopen and withdraw sign-off obligations so they match the rules as of --today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The date to sync as of, YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; write nothing.")

    def handle(self, *args, today: str | None, dry_run: bool, **options) -> None:
        day = parse_day(today) if today else timezone.localdate()
        counts = sync_obligations(today=day, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"would create: {counts['created']}, reopen: {counts['reopened']}, "
                              f"withdraw: {counts['withdrawn']}")
        else:
            self.stdout.write(f"created: {counts['created']}, reopened: {counts['reopened']}, "
                              f"withdrawn: {counts['withdrawn']}")
