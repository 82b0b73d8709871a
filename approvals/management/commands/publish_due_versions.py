import datetime

from django.core.management.base import BaseCommand

from approvals.services import publish_due_versions


class Command(BaseCommand):
    help = "Publish approved versions whose effective date has come. Safe to run twice (the scheduler runs it daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if today were YYYY-MM-DD.")

    def handle(self, *args, today: datetime.date | None = None, **options) -> None:
        published = publish_due_versions(today=today)
        for version in published:
            self.stdout.write(f"published {version.policy.title} {version.label}")
        self.stdout.write(f"published: {len(published)}")
