"""Walk the sealed evidence chain (acknowledgements.chain): a line per chain,
then `evidence: N records, chain intact`, or `... broken at <the first broken
record, in words>` and exit 1 so cron and monitoring notice."""

import sys

from django.core.management.base import BaseCommand, CommandParser

from acknowledgements import evidence_check


class Command(BaseCommand):
    help = "Recompute every evidence chain's hashes; exits 1 naming the first broken record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", dest="chains",
                            help="Only this chain (e.g. trust-1); may be given more than once.")

    def handle(self, *args, chains: list[str] | None, **options) -> None:
        result = evidence_check.verify(chains=chains)
        for checked in result.chains:
            self.stdout.write(checked.line)
        self.stdout.write(f"checked in {result.seconds:.1f} s")
        self.stdout.write(result.last_line)
        if not result.intact:
            sys.exit(1)
