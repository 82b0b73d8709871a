"""Upload documents and follow a batch while the worker reads it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from imports import permissions
from imports.models import ImportBatch, ImportItem
from imports.reading import read_item, start_batch
from imports.saving import import_item
from imports.upload_forms import PolicyUploadForm
from policies import permissions as policy_permissions


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not policy_permissions.can_import_policies(request.user):
        raise PermissionDenied(policy_permissions.IMPORT_DENIED)
    allowed = policy_permissions.organisations_for_import(request.user)
    form = PolicyUploadForm(request.POST or None, request.FILES or None, organisations=allowed,
                            initial={"organisation": allowed.filter(kind="trust").first() or allowed.first()})
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        batch = start_batch(files=[(document.name, document.read())], organisation=form.cleaned_data["organisation"],
                            by=request.user)
        item = batch.items.get()
        read_item(item.pk)
        return redirect("imports:item", item_id=item.pk)
    return render(request, "imports/upload.html", {"form": form})


def _batch_or_403(request: HttpRequest, batch_id: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("organisation"), pk=batch_id)
    if not permissions.can_open_batch(request.user, batch):
        raise PermissionDenied(permissions.BATCH_DENIED)
    return batch


def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_or_403(request, batch_id)
    return render(request, "imports/batch.html", {"batch": found, "items": found.items.all()})


def progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_or_403(request, batch_id)
    return render(request, "imports/batch.html", {"batch": found, "items": found.items.all()})


@require_POST
def import_ready(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_or_403(request, batch_id)
    may_import_history = policy_permissions.can_import_history(request.user, found.organisation)
    for item in found.items.filter(state=ImportItem.State.READY):
        outcome = import_item(item, by=request.user, may_import_history=may_import_history)
        messages.success(request, outcome.summary())
    return redirect("imports:batch", batch_id=found.pk)
