"""Compare the kept sign-off counts with a full recount; repair them, or
rebuild them all (a database filled by bulk inserts)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from acknowledgements import counts


class Command(BaseCommand):
    help = ("Recount every sign-off count and compare it with the kept one. Exits 1 on a disagreement "
            "unless --repair sets the kept counts to the recount.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="Set every disagreeing count to the recount.")
        parser.add_argument("--rebuild", action="store_true",
                            help="Recount and write every row (after bulk inserts that bypassed the services).")

    def handle(self, *args, repair: bool, rebuild: bool, **options) -> None:
        if rebuild:
            rows = counts.rebuild()
            self.stdout.write(f"rebuilt: {rows} rows, as of {counts.overdue_as_of().isoformat()}")
        checked = counts.check_counts(repair=repair)
        for name in checked.named:
            self.stdout.write(f"  {name}")
        self.stdout.write(checked.line())
        if checked.disagreements and not repair:
            # A non-zero exit so cron and monitoring notice; --repair sets them to the recount.
            raise CommandError(checked.line())
