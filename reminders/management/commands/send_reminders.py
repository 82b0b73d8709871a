"""Send the reminders that are due and unsent: the same service the
scheduler runs."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from outbox.services import deliver_emails
from reminders import services


class Command(BaseCommand):
    help = "Send due review and sign-off reminders. Run twice, the second run sends nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD.")

    def handle(self, *args, dry_run: bool, today: datetime.date | None, **options) -> None:
        report = services.send_reminders(today=today, dry_run=dry_run)
        deliver_emails(report.email_ids)
        for line in report.lines():
            self.stdout.write(line)
