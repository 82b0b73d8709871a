"""Load the DfE's list of statutory policies again after it changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statutory.loading import DEFAULT_FILE, StatutoryListError, load_items, read_items


class Command(BaseCommand):
    help = ("Bring the statutory checklist's items into line with fixtures/statutory/statutory-policies.toml "
            "(or --file): updates by key, adds new items, removes dropped ones unless a policy is tagged with them.")

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument("--dry-run", action="store_true", help="Say what would change and change nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            items = read_items(file)
        except StatutoryListError as error:
            raise CommandError(f"Nothing was loaded.\n{error}") from error
        report = load_items(items, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
