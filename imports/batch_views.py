"""Upload documents and follow a batch while the worker reads it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from imports import permissions
from imports.models import ImportBatch, ImportItem
from imports.reading import batch_progress, queue_reading, read_item, resend_if_stalled, start_batch
from imports.saving import import_ready_items
from imports.selectors import recent_uploads
from imports.upload_forms import PolicyUploadForm
from policies import permissions as policy_permissions

IMPORTED_SOME = "Imported {count} of the {ready} ready documents."
NOT_IMPORTED = "{name} was not imported, and nothing of it was saved: {reason}"
NOT_IMPORTED_UNEXPECTED = "something went wrong while saving it; try it on its own."
NOTHING_READY = "No document is ready to import; open those that need a look and check them."


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not policy_permissions.can_import_policies(request.user):
        raise PermissionDenied(policy_permissions.IMPORT_DENIED)
    allowed = policy_permissions.organisations_for_import(request.user)
    form = PolicyUploadForm(request.POST or None, request.FILES or None, organisations=allowed,
                            initial={"organisation": allowed.filter(kind="trust").first() or allowed.first()})
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if form.is_single_document:
            item = _read_one(form, organisation, request.user)
            if item is not None:
                return redirect("imports:item", item_id=item.pk)
        else:
            with transaction.atomic():
                batch = start_batch(files=form.documents, organisation=organisation, by=request.user,
                                    notes=form.left_out)
                queue_reading(batch)
            return redirect("imports:batch", batch_id=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "uploads": recent_uploads(request.user)})


def _read_one(form: PolicyUploadForm, organisation, user) -> ImportItem | None:
    """One document is read in the request; one that cannot be read is the
    form's error, and nothing is kept of it."""
    with transaction.atomic():
        batch = start_batch(files=form.documents, organisation=organisation, by=user)
        item = read_item(batch.items.values_list("pk", flat=True).get())
        if item is not None and item.state != ImportItem.State.UNREADABLE:
            return item
        transaction.set_rollback(True)
    form.add_error("document", f"{item.filename}: {item.error}" if item else "The document could not be read.")
    return None


def _batch_or_403(request: HttpRequest, batch_id: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("organisation"), pk=batch_id)
    if not permissions.can_open_batch(request.user, batch):
        raise PermissionDenied(permissions.BATCH_DENIED)
    return batch


def _batch_context(batch: ImportBatch) -> dict:
    """The batch's progress and its items by state: two queries however many
    items, and none of the documents' bytes or parsed text."""
    progress = batch_progress(batch)
    groups: dict[str, list[ImportItem]] = {state: [] for state in ImportItem.State.values}
    items = (batch.items.only("pk", "batch_id", "filename", "state", "error", "outcome", "policy_id")
             .annotate(title=KT("parsed__title")).select_related("policy"))
    for found in items:
        groups[found.state].append(found)
    return {"batch": batch, "progress": progress, "groups": groups}


@require_http_methods(["GET"])
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_or_403(request, batch_id)
    return render(request, "imports/batch.html", _batch_context(found))


@require_http_methods(["GET"])
def progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch page's body, for htmx to swap in every second until every
    document is read (the finished body carries no trigger, so polling stops)."""
    found = _batch_or_403(request, batch_id)
    context = _batch_context(found)
    if not context["progress"].done:
        resend_if_stalled(found)
    return render(request, "imports/_batch_progress.html", context)


@require_POST
def import_ready(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_or_403(request, batch_id)
    may_import_history = policy_permissions.can_import_history(request.user, found.organisation)
    result = import_ready_items(found, by=request.user, may_import_history=may_import_history)
    if not result.ready:
        messages.info(request, NOTHING_READY)
        return redirect("imports:batch", batch_id=found.pk)
    for name, reason in result.failed:
        messages.error(request, NOT_IMPORTED.format(name=name, reason=reason or NOT_IMPORTED_UNEXPECTED))
    messages.success(request, IMPORTED_SOME.format(count=result.imported, ready=result.ready))
    return redirect("imports:batch", batch_id=found.pk)

