"""Who owes what, as CSV or XLSX: the same rows as the report page's export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.models import Organisation
from reports import exports, selectors
from reports.columns import HEADER, as_rows


class Command(BaseCommand):
    help = f"Export outstanding sign-offs: columns {', '.join(HEADER)}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="School slug.")
        parser.add_argument("--policy", help="Policy slug.")
        parser.add_argument("--overdue", action="store_true", help="Only what is past its due date.")
        parser.add_argument("--closed", action="store_true",
                            help="What was closed without signing instead, with why (closed_because).")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", help="File to write (default: standard output; required for xlsx).")

    def handle(self, *args, school, policy, overdue, format, output, closed=False, **options) -> None:  # noqa: A002
        if school and not Organisation.objects.filter(slug=school).exists():
            raise CommandError(f"No school with the slug {school!r}.")
        filters = selectors.OutstandingFilters(school=school or "", policy=policy or "", overdue=overdue,
                                              closed=closed)
        school_ids = list(Organisation.objects.values_list("pk", flat=True))
        rows = as_rows(selectors.outstanding(school_ids, filters))
        if format == "xlsx":
            if not output:
                raise CommandError("XLSX needs --output FILE.")
            Path(output).write_bytes(exports.xlsx_bytes(rows))
            return
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                exports.write_csv(rows, handle)
        else:
            for line in exports.csv_lines(rows):
                self.stdout.write(line, ending="")
