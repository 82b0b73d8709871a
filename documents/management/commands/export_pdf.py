"""Export policy versions as PDF files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.rendering import PdfError, policy_pdf
from policies.models import Policy


class Command(BaseCommand):
    help = "export_pdf SLUG [--version LABEL] --output FILE, or export_pdf --all --output DIR (current versions)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django's own --version (its release) gives way to the policy's version label.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?")
        parser.add_argument("--version", dest="label", help="Version label (default: the current version).")
        parser.add_argument("--all", action="store_true", help="Every policy's current version into --output DIR.")
        parser.add_argument("--output", required=True, help="A file, or with --all a directory.")

    def handle(self, *args, slug, label, all, output, **options) -> None:  # noqa: A002  (the option's name)
        if all == bool(slug):
            raise CommandError("Name one policy (SLUG) or use --all.")
        try:
            if all:
                self._export_all(Path(output))
            else:
                self._export_one(slug, label, Path(output))
        except PdfError as error:
            raise CommandError(str(error)) from error

    def _export_one(self, slug: str, label: str | None, output: Path) -> None:
        policy = Policy.objects.filter(slug=slug).select_related("current_version").first()
        if policy is None:
            raise CommandError(f"No policy with the slug {slug!r}.")
        version = policy.versions.filter(label=label).first() if label else policy.current_version
        if version is None:
            raise CommandError(f"{policy.title} has no version {label!r}." if label else f"{policy.title} has no "
                               "published version; name one with --version.")
        output.write_bytes(policy_pdf(version).read_bytes())
        self.stdout.write(f"{output}: {policy.title}, version {version.label}")

    def _export_all(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        policies = Policy.objects.filter(current_version__isnull=False).select_related("current_version")
        for policy in policies.order_by("slug"):
            path = directory / f"{policy.slug}-v{policy.current_version.label}.pdf"
            path.write_bytes(policy_pdf(policy.current_version).read_bytes())
            self.stdout.write(f"{path}: {policy.title}, version {policy.current_version.label}")
        self.stdout.write(f"exported: {policies.count()}")
