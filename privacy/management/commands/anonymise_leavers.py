"""Anonymise leavers whose retention period has ended: what the nightly task does."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.retention import anonymise_person, leavers_due


class Command(BaseCommand):
    help = "Anonymise leavers past the retention period (LEAVER_RETENTION_DAYS); their sign-offs stay as evidence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List who is due; change nothing.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD.")

    def handle(self, *args, dry_run: bool, today: datetime.date | None, **options) -> None:
        today = today or timezone.localdate()
        due = list(leavers_due(today).order_by("pk"))
        days = settings.LEAVER_RETENTION_DAYS
        for person in due:
            # Record numbers only: this output may be kept in logs.
            self.stdout.write(f"person #{person.pk}: left {person.leave_date}, "
                              f"retention ended {person.retention_ends_on}")
            if not dry_run:
                anonymise_person(person, today=today)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{len(due)} leaver(s) {verb} (retention: {days} days after leaving).")
