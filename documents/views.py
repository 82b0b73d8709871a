"""PDF downloads: a policy version, a new starter's pack, a sign-off record."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from acknowledgements.permissions import NO_STAFF_RECORD
from acknowledgements.selectors import owed_sign_offs
from documents import permissions, rendering, tasks
from people.models import Person
from people.selectors import require_person
from policies.models import PolicyVersion, VersionVariant
from policies.permissions import can_read_version

log = logging.getLogger(__name__)


def _pdf(path, filename: str) -> FileResponse:
    return FileResponse(open(path, "rb"), content_type="application/pdf", filename=filename)


def _bytes_pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _served(version, request) -> HttpResponse:
    try:
        path = rendering.policy_pdf(version)
    except rendering.PdfError as error:
        return render(request, "documents/unavailable.html", {"message": str(error)}, status=503)
    return _pdf(path, f"{version.policy.slug}-v{version.label}.pdf")


# The version, its policy, the owner and the stored PDF key in one query: a
# cached PDF then costs that and a file read (documents.rendering.policy_pdf).
VERSION_WITH_PDF = PolicyVersion.objects.select_related("committee", "policy__organisation", "pdf")


def version_pdf(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = get_object_or_404(VERSION_WITH_PDF, policy__slug=slug, label=label)
    if not can_read_version(request.user, version):
        raise Http404
    return _served(version, request)


def variant_pdf(request: HttpRequest, slug: str, label: str, key: str) -> HttpResponse:
    """A version's variant for audiences as its own PDF, readable by whoever may read the version."""
    variants = VersionVariant.objects.select_related("version__committee", "version__policy__organisation")
    variant = get_object_or_404(variants, version__policy__slug=slug, version__label=label, key=key)
    if not can_read_version(request.user, variant.version):
        raise Http404
    try:
        path = rendering.variant_pdf(variant)
    except rendering.PdfError as error:
        return render(request, "documents/unavailable.html", {"message": str(error)}, status=503)
    return _pdf(path, f"{slug}-v{label}-{key}.pdf")


@login_not_required
def public_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    # The policy's current version, if the policy is published on the website.
    version = get_object_or_404(VERSION_WITH_PDF, policy__slug=slug, policy__is_public=True,
                                policy__current_version=F("pk"))
    return _served(version, request)


# The waiting page refreshes every 3 seconds; after about two minutes the pack
# has failed (a full disk, a worker down), and the page says so instead.
PACK_REFRESH_SECONDS = 3
PACK_GIVE_UP_AFTER = 40
PACK_REQUEUE_EVERY = 10


def my_pack(request: HttpRequest) -> HttpResponse:
    """The policies I must sign, in one PDF. Built by the worker; this page
    waits for it (refreshing itself) unless it is already built."""
    person = require_person(request.user, message=NO_STAFF_RECORD)
    owed = list(owed_sign_offs(person))
    path = rendering.pack_path(person, owed)
    if path.exists():
        return _pdf(path, "policies-to-sign.pdf")
    attempt = _attempt(request)
    if attempt >= PACK_GIVE_UP_AFTER:
        return render(request, "documents/pack_failed.html", {"count": len(owed)}, status=503)
    if attempt % PACK_REQUEUE_EVERY == 0:  # one task, asked again now and then in case it was lost
        try:
            tasks.build_pack.delay(person.pk)
        except Exception:  # broker down: build it here rather than fail
            log.warning("broker unavailable; building the pack in the request")
            try:
                path = rendering.build_pack(person, owed)
            except rendering.PdfError as error:  # a full disk: say so, as a single policy's PDF does
                return render(request, "documents/unavailable.html", {"message": str(error)}, status=503)
            return _pdf(path, "policies-to-sign.pdf")
    return render(request, "documents/preparing.html", {
        "count": len(owed), "refresh": PACK_REFRESH_SECONDS, "next_attempt": attempt + 1,
    })


def _attempt(request: HttpRequest) -> int:
    try:
        return max(0, min(int(request.GET.get("attempt", 0)), PACK_GIVE_UP_AFTER))
    except ValueError:
        return 0


def my_record(request: HttpRequest) -> HttpResponse:
    person = require_person(request.user, message=NO_STAFF_RECORD)
    return _record(person)


def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_download_record(request.user, person):
        raise PermissionDenied(permissions.RECORD_DENIED)
    return _record(person)


def _record(person: Person) -> HttpResponse:
    data = rendering.record_pdf(person)
    return _bytes_pdf(data, f"sign-off-record-{person.pk}.pdf")
