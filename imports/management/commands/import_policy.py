"""Import existing policy documents (Word, Markdown, text) into the library:
files, folders of them, or zips of them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports import zips
from people.models import Organisation
from policies.importers import DocumentError, parse_document
from policies.services import import_policy_document


class Command(BaseCommand):
    help = ("Import policy documents, or every document (and zip of documents) in a folder; "
            "each file is saved whole or not at all.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A document, a .zip of them, or a folder.")
        parser.add_argument("--organisation", help="Owning trust or school slug (default: the trust).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object per file."
        )

    def handle(self, *args, paths: list[str], organisation: str | None, dry_run: bool, as_json: bool, **options):
        owner = self._organisation(organisation, dry_run=dry_run)
        failed = 0
        for name, data in self._documents(paths):
            if data is None:
                failed += 1
                continue
            try:
                parsed = parse_document(name, data)
            except DocumentError as error:
                failed += 1
                self.stderr.write(f"{name}: {error.reason}")
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
            report.write(f"{prefix} {name}: {outcome.summary()}")
        if failed:
            sys.exit(1)

    def _documents(self, paths: list[str]) -> Iterator[tuple[str, bytes | None]]:
        """(name, bytes) for every document named, in the folders named
        (sorted, subfolders included) and in the zips among them; None as
        the bytes for one that cannot be read, after saying why. A name is
        the file's own, or its path inside the folder or zip named."""
        for raw_path in paths:
            path = Path(raw_path)
            if path.is_dir():
                for found in sorted(p for p in path.rglob("*") if p.is_file()):
                    relative = found.relative_to(path)
                    if any(zips.is_litter(part) for part in relative.parts):
                        continue
                    if zips.is_document(found.name) or zips.is_zip(found.name):
                        yield from self._file(found, relative.as_posix())
                    else:
                        # A folder holds other files too; they are named, not failures.
                        self.stderr.write(f"{relative.as_posix()}: left out: not a Word (.docx), Markdown (.md) "
                                          "or text (.txt) document")
            else:
                yield from self._file(path, path.name)

    def _file(self, path: Path, name: str) -> Iterator[tuple[str, bytes | None]]:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{name}: cannot read the file ({error.strerror or error})")
            yield name, None
            return
        if not zips.is_zip(path.name):
            yield name, data
            return
        try:
            unpacked = zips.unpack_zip(path.name, data, max_member_bytes=settings.POLICY_UPLOAD_MAX_BYTES)
        except zips.ZipRefused as refused:
            self.stderr.write(f"{name}: {refused}")
            yield name, None
            return
        for note in unpacked.left_out:
            self.stderr.write(f"{name}, left out: {note}")
        for _ in range(unpacked.documents_left_out):  # documents that did not arrive: failures
            yield name, None
        for member, content in unpacked.documents:
            yield f"{name}/{member}", content

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
