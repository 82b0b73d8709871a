"""Write a person's subject access export to a file (the HR page offers the same)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.models import Person
from privacy.subject_access import export_for_release


class Command(BaseCommand):
    help = "Export everything held about one person (by work email or record number) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", help="Work email or record number.")
        parser.add_argument("--output", type=Path, required=True, help="The JSON file to write.")

    def handle(self, *args, person: str, output: Path, **options) -> None:
        lookup = {"pk": int(person)} if person.isdigit() else {"email__iexact": person}
        try:
            record = Person.objects.get(**lookup)
        except Person.DoesNotExist as missing:
            raise CommandError(f"No staff record matches {person!r}.") from missing
        output.write_text(export_for_release(record), encoding="utf-8")
        self.stdout.write(f"Wrote the export for person #{record.pk} to {output}.")
