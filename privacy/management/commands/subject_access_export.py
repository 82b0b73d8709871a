"""Write a person's subject access export to a file (the HR page offers the same)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from people.models import Person
from privacy.models import PrivacyEvent
from privacy.subject_access import subject_access_export


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
        export = subject_access_export(record)
        output.write_text(json.dumps(export, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder), encoding="utf-8")
        PrivacyEvent.objects.create(kind=PrivacyEvent.Kind.SUBJECT_ACCESS, person=record)
        self.stdout.write(f"Wrote the export for person #{record.pk} to {output}.")
