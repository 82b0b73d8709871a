"""Policies, new starters' packs and sign-off records as PDF (WeasyPrint).

A rendered policy is cached on disk under a key made of everything drawn on
its pages (text hash, status, version table, related policies, template
version), so a second download is a file read and a change to any of those
renders afresh. An approved version's key is stored with it
(documents.models.VersionPdf) when first worked out, so a download costs the
version's own query and the file read. Files are written whole and then renamed
into place, so a half-written PDF is never served.

Every PDF is tagged for accessibility (WeasyPrint's PDF/UA-1 variant): its
language and title come from the template's <html lang> and <title>, and
screen readers follow its headings, lists and tables in reading order.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from acknowledgements.certificates import certificates_for
from documents.models import VersionPdf
from policies import selectors
from policies.models import PolicyVersion, VersionVariant
from policies.rendering import render_version_body

# Bump when a template or the stylesheet changes: every cached PDF is then stale.
TEMPLATE_VERSION = 7  # 7: tagged (PDF/UA-1), tables with captions and header scopes
# Tagged PDF for accessibility (structure, language, title): pdfinfo says "Tagged: yes".
PDF_VARIANT = "pdf/ua-1"
STYLESHEET = Path(__file__).resolve().parent / "static" / "documents" / "print.css"
DRAFT_MARK = "DRAFT — not approved"
PDF_WRITE_FAILED = "The PDF could not be saved ({reason}). Nothing was served; try again when the disk has space."


class PdfError(Exception):
    """A PDF that could not be produced; str() says why in plain words."""


@dataclass(frozen=True)
class PolicyDocument:
    version: PolicyVersion
    context: dict
    key: str


def policy_document(version: PolicyVersion) -> PolicyDocument:
    policy = version.policy
    rows = [row for row in selectors.version_table(policy) if (row.major, row.minor) <= (version.major, version.minor)]
    if not version.is_locked and version not in rows:
        rows.append(version)
    linked, named = selectors.related_policies(policy)
    related = [p.title for p in linked] + [n.name for n in named]
    legislation = list(policy.legislation.values_list("name", flat=True))
    watermark = "" if version.is_locked else DRAFT_MARK
    superseded = version.superseded_on if version.status == PolicyVersion.Status.SUPERSEDED else None
    rendered = render_version_body(version.body, version.content_hash)
    prefix = f"v{version.pk}-"  # anchors stay unique when several policies share one PDF (a pack)
    context = {
        "policy": policy, "version": version, "owner_name": policy.organisation.name, "rows": rows,
        "rendered": rendered, "body_html": _column_headers(rendered.html.replace(' id="', f' id="{prefix}')),
        "prefix": prefix,
        "related": related, "legislation": legislation, "watermark": watermark, "superseded_on": superseded,
    }
    key_parts = [
        TEMPLATE_VERSION, version.pk, version.content_hash, version.status, str(superseded), policy.title,
        policy.organisation.name, [(r.label, str(r.approved_on), r.approved_text, r.committee_label, r.provenance,
                                    r.reason, r.author, str(r.next_review_on), r.next_review_text) for r in rows],
        related, legislation, str(version.effective_on), policy.review_cycle_display,
    ]
    key = hashlib.sha256(json.dumps(key_parts, default=str).encode()).hexdigest()
    return PolicyDocument(version=version, context=context, key=key)


def variant_document(variant: VersionVariant) -> PolicyDocument:
    """A variant for audiences as its own document: the version's cover and
    version table, the variant's title on the cover and its text in place of
    the full text."""
    base = policy_document(variant.version)
    rendered = render_version_body(variant.body, variant.content_hash)
    prefix = f"v{variant.version_id}-{variant.key}-"
    context = {**base.context, "variant": variant, "rendered": rendered, "prefix": prefix,
               "body_html": _column_headers(rendered.html.replace(' id="', f' id="{prefix}'))}
    key = hashlib.sha256(json.dumps([base.key, "variant", variant.key, variant.title, variant.content_hash]
                                    ).encode()).hexdigest()
    return PolicyDocument(version=variant.version, context=context, key=key)


def variant_pdf(variant: VersionVariant) -> Path:
    """The variant's PDF file, rendered once and then read from the cache (its
    key stands for everything drawn, as a version's does)."""
    document = variant_document(variant)
    path = cache_dir() / f"variant-{document.key}.pdf"
    if not path.exists():
        html = render_to_string("documents/policy.html", document.context)
        _write_atomically(path, html_to_pdf(html))
    return path


def _document_owed(obligation) -> PolicyDocument:
    """What a pack shows for an obligation: the variant the person owes, or the full text."""
    return variant_document(obligation.variant) if obligation.variant_id else policy_document(obligation.version)


# A policy's own tables (Markdown) head their columns in <thead>: each header
# cell says so (scope="col"), so a screen reader reads a cell with its column.
_HEADER_CELL = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")


def _column_headers(html: str) -> str:
    return _HEADER_CELL.sub('<th scope="col"', html)


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "pdf"


def policy_pdf(version: PolicyVersion) -> Path:
    """The version's PDF file, rendered once and then read from the cache.
    Pass the version with select_related("policy__organisation", "pdf") and a
    cached approved version costs no further query."""
    path = _stored_pdf(version)
    if path is not None:
        return path
    document = policy_document(version)
    path = cache_dir() / f"policy-{document.key}.pdf"
    if version.is_locked:
        # Stored before rendering, not after: a change to what is drawn made
        # while WeasyPrint works deletes this row (documents.receivers), where
        # storing afterwards would keep the stale key.
        _store_key(version, document.key)
    if not path.exists():
        html = render_to_string("documents/policy.html", document.context)
        _write_atomically(path, html_to_pdf(html))
    return path


def stamp(version: PolicyVersion) -> str:
    """The inputs of the key that are read with the version itself: stored with
    its key and compared on each download, so a changed title, owner's name,
    status or TEMPLATE_VERSION is a new PDF whatever changed it."""
    policy = version.policy
    parts = [TEMPLATE_VERSION, version.pk, version.status, str(version.superseded_on), version.content_hash,
             policy.pk, policy.title, policy.review_cycle_months, policy.organisation_id, policy.organisation.name]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _stored_pdf(version: PolicyVersion) -> Path | None:
    if not version.is_locked:
        return None
    try:
        stored = version.pdf
    except VersionPdf.DoesNotExist:
        return None
    if stored.stamp != stamp(version):
        return None
    path = cache_dir() / f"policy-{stored.key}.pdf"
    return path if path.exists() else None


def _store_key(version: PolicyVersion, key: str) -> None:
    stored, _ = VersionPdf.objects.update_or_create(version=version, defaults={"key": key, "stamp": stamp(version)})
    version.pdf = stored  # this object's next download reads it without a query


def html_to_pdf(html: str) -> bytes:
    """Every PDF the portal makes comes through here, tagged (PDF_VARIANT)."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant=PDF_VARIANT,
    )


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as error:
        raise PdfError(PDF_WRITE_FAILED.format(reason=error.strerror or error)) from error


def pack_pdf(person, obligations) -> bytes:
    """A new starter's pack: a cover listing the policies, then each one."""
    documents = [_document_owed(o) for o in obligations]
    html = render_to_string("documents/pack.html", {
        "person": person, "documents": documents, "today": timezone.localdate(),
    })
    return html_to_pdf(html)


def record_pdf(person) -> bytes:
    """A person's sign-off record, for HR to file: a summary of every sign-off,
    then a certificate page for each (acknowledgements.certificates)."""
    return html_to_pdf(record_html(person))


def record_html(person) -> str:
    return render_to_string("documents/record.html", {
        "person": person, "certificates": certificates_for(person), "now": timezone.now(),
    })


def pack_path(person, obligations) -> Path:
    """Where this person's pack (for exactly these versions) is cached."""
    keys = [_document_owed(o).key for o in obligations]
    key = hashlib.sha256(json.dumps([TEMPLATE_VERSION, person.pk, keys]).encode()).hexdigest()
    return cache_dir() / f"pack-{key}.pdf"


def build_pack(person, obligations) -> Path:
    path = pack_path(person, obligations)
    if not path.exists():
        _write_atomically(path, pack_pdf(person, obligations))
    return path
