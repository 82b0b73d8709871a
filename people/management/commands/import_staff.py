"""Import or update staff from the CSV an HR or MIS system exports."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import pluralize

from people.staff_import import import_staff_csv


class Command(BaseCommand):
    help = "Import staff from a CSV file. Nothing is written unless every row is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            self.stderr.write(f"{file}: cannot read the file ({error.strerror or error})")
            sys.exit(1)
        result = import_staff_csv(data, dry_run=dry_run)
        for note in result.notes:
            self.stdout.write(note)
        if not result.ok:
            count = len(result.errors)
            self.stderr.write(f"{file}: {count} problem{pluralize(count)}; nothing was imported.")
            for error in result.errors:
                self.stderr.write(f"  {error}")
            sys.exit(1)
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}")
