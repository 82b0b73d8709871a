"""The daily run by hand: what beat runs each night, as of any date."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from portal.daily import run_daily


class Command(BaseCommand):
    help = ("Run every daily job in order: publish versions due, sync obligations, roll the kept counts, "
            "send reminders, retention, check the kept counts, session sweep, old uploads and exports. "
            "Run twice the same day, the second run does nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Say what each job would do; write nothing and send no email.")

    def handle(self, *args, today: datetime.date | None, dry_run: bool, **options) -> None:
        lines = run_daily(today=today or timezone.localdate(), dry_run=dry_run)
        for line in lines:
            self.stdout.write(line)
        if "failed" in lines[-1]:
            # A non-zero exit so cron and monitoring notice; the other jobs ran.
            raise CommandError(lines[-1])
