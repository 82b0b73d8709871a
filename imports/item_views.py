"""One document's correction form: check what was read, correct it, save it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from imports import permissions
from imports.models import ImportItem
from imports.saving import import_item
from policies import permissions as policy_permissions
from policies.importers import ParsedPolicy
from policies.services import import_policy_document


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    found = get_object_or_404(ImportItem.objects.select_related("batch__organisation"), pk=item_id)
    if not permissions.can_open_batch(request.user, found.batch):
        raise PermissionDenied(permissions.BATCH_DENIED)
    organisation = found.batch.organisation
    may_import_history = policy_permissions.can_import_history(request.user, organisation)
    if request.method == "POST" and found.state in ImportItem.OPEN_STATES:
        outcome = import_item(found, by=request.user, may_import_history=may_import_history)
        messages.success(request, outcome.summary())
        return redirect(outcome.policy)
    context = {"item": found, "organisation": organisation}
    if found.parsed is not None:
        parsed = ParsedPolicy.from_dict(found.parsed)
        context["parsed"] = parsed
        context["outcome"] = import_policy_document(parsed, organisation=organisation, by=request.user,
                                                    may_import_history=may_import_history, dry_run=True)
    return render(request, "imports/item.html", context)
