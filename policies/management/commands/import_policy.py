"""Import existing policy documents (Word, Markdown, text) into the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.models import Organisation
from policies.importers import DocumentError, parse_document
from policies.services import import_policy_document


class Command(BaseCommand):
    help = "Import policy documents; each file is saved whole or not at all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--organisation", help="Owning trust or school slug (default: the trust).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object per file."
        )

    def handle(self, *args, paths: list[str], organisation: str | None, dry_run: bool, as_json: bool, **options):
        owner = self._organisation(organisation, dry_run=dry_run)
        failed = 0
        for raw_path in paths:
            path = Path(raw_path)
            try:
                parsed = parse_document(path.name, path.read_bytes())
            except OSError as error:
                failed += 1
                self.stderr.write(f"{path}: cannot read the file ({error.strerror or error})")
                continue
            except DocumentError as error:
                failed += 1
                self.stderr.write(f"{path}: {error.reason}")
                continue
            if as_json:
                self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False))
            if owner is None:
                continue
            # Whoever runs commands on the server is an administrator.
            outcome = import_policy_document(parsed, organisation=owner, by=None, may_import_history=True,
                                             dry_run=dry_run)
            prefix = "would import" if dry_run else "imported"
            report = self.stderr if as_json else self.stdout
            report.write(f"{prefix} {path.name}: {outcome.summary()}")
        if failed:
            sys.exit(1)

    def _organisation(self, slug: str | None, *, dry_run: bool) -> Organisation | None:
        """The owner of what is imported; None means parse only (a dry run
        on an empty library)."""
        if slug:
            try:
                return Organisation.objects.get(slug=slug)
            except Organisation.DoesNotExist as error:
                raise CommandError(f"No trust or school with the slug {slug!r}.") from error
        trusts = list(Organisation.objects.filter(kind=Organisation.Kind.TRUST)[:2])
        if len(trusts) == 1:
            return trusts[0]
        if not trusts and dry_run:
            return None
        if not trusts:
            raise CommandError("There is no trust yet: run load_demo, or create the trust in the admin first.")
        raise CommandError("There is more than one trust: name the owner with --organisation SLUG.")
