"""A large trust for benchmarks: seed_demo --schools 50 --staff 20000 --policies 100."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.seed import seed_large_trust


class Command(BaseCommand):
    help = "Seed a large synthetic trust (bulk inserts) for benchmarks. Use a database of its own."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=50)
        parser.add_argument("--staff", type=int, default=20000)
        parser.add_argument("--policies", type=int, default=100)
        parser.add_argument("--signed-share", type=float, default=0.9)

    def handle(self, *args, schools, staff, policies, signed_share, **options) -> None:
        started = time.monotonic()

        def progress(report):
            self.stdout.write(f"  {report.staff} staff, {report.obligations} obligations "
                              f"({time.monotonic() - started:.0f} s)")

        try:
            report = seed_large_trust(schools=schools, staff=staff, policies=policies, signed_share=signed_share,
                                      progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"seeded {report.schools} schools, {report.staff} staff, {report.policies} policies, "
                          f"{report.obligations} obligations ({report.sign_offs} signed) in "
                          f"{time.monotonic() - started:.0f} s")
