"""The statutory checklist, its CSV, and the page that tags a policy with
the statutory items it meets."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from policies.models import Policy
from portal.spreadsheets import safe_row
from statutory import permissions, selectors, services
from statutory.models import StatutoryItem

TAGS_SAVED = "Saved: the checklist now counts this policy for the items ticked."
CSV_HEADER = ["School", "Statutory item", "Status", "Policy", "Approved by", "Approved on", "Review by", "Notes"]


def _checklist(request: HttpRequest) -> tuple[list, list, str, str]:
    organisations = permissions.checklist_scope(request.user)
    if not organisations:
        raise PermissionDenied(permissions.CHECKLIST_DENIED)
    school = request.GET.get("school", "")
    status = request.GET.get("status", "")
    if status not in selectors.Status.values:
        status = ""
    if school not in {org.slug for org in organisations}:
        school = ""
    everything = selectors.checklist(organisations, today=timezone.localdate())
    return organisations, selectors.filtered(everything, school=school, status=status), school, status


@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    organisations, shown, school, status = _checklist(request)
    return render(request, "statutory/checklist.html", {
        "organisations": organisations, "checklists": shown, "school": school, "status": status,
        "statuses": selectors.Status.choices, "due_within_days": selectors.DUE_WITHIN_DAYS,
        "taggable": permissions.policies_taggable_by(request.user, organisations),
    })


def csv_rows(checklists) -> list[list[str]]:
    """The CSV's rows, cell for cell what the page's table shows."""
    return [[row.organisation.name, row.item.name, row.status_label, row.policy.title if row.policy else "",
             row.approval.by if row.policy else "",
             f"{row.approval.on:%-d %b %Y}" if row.policy and row.approval.on else "",
             f"{row.review_by:%-d %b %Y}" if row.review_by else "", row.detail]
            for entry in checklists for row in entry.rows]


@require_GET
def checklist_csv(request: HttpRequest) -> HttpResponse:
    _, shown, _, _ = _checklist(request)
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(CSV_HEADER)
    writer.writerows(safe_row(row) for row in csv_rows(shown))
    response = HttpResponse(body.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statutory-checklist.csv"'
    return response


@require_http_methods(["GET", "POST"])
def tag_policy(request: HttpRequest, slug: str) -> HttpResponse:
    policy = get_object_or_404(Policy.objects.select_related("organisation"), slug=slug)
    if not permissions.can_tag(request.user, policy):
        raise PermissionDenied(permissions.TAG_DENIED)
    if request.method == "POST":
        try:
            services.tag_policy(policy, item_keys=request.POST.getlist("items"), by=request.user)
        except services.TaggingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, TAGS_SAVED)
            return redirect("statutory:tag_policy", slug=policy.slug)
    tagged = set(policy.statutory_items.values_list("key", flat=True))
    return render(request, "statutory/tag_policy.html", {
        "policy": policy, "items": StatutoryItem.objects.all(), "tagged": tagged,
        "sees_checklist": bool(permissions.checklist_scope(request.user)),
    })
