"""HR reports: the compliance dashboard and the outstanding list, with exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from people.models import Organisation
from policies.models import Policy
from reports import exports, permissions, selectors
from reports.columns import PAGE_COLUMNS, as_rows
from reports.forms import OutstandingForm


def _scope(request: HttpRequest) -> list[int]:
    school_ids = permissions.report_scope(request.user)
    if school_ids is None:
        raise PermissionDenied(permissions.REPORTS_DENIED)
    return school_ids


def dashboard(request: HttpRequest) -> HttpResponse:
    data, computed_at = selectors.dashboard(_scope(request))
    return render(request, "reports/dashboard.html", {**data, "computed_at": computed_at})


def _form(request: HttpRequest, school_ids: list[int]) -> OutstandingForm:
    schools = Organisation.objects.filter(pk__in=school_ids, kind=Organisation.Kind.SCHOOL).order_by("name")
    policies = Policy.objects.filter(current_version__isnull=False).order_by("title")
    return OutstandingForm(request.GET or None, schools=list(schools), policies=list(policies))


def outstanding(request: HttpRequest) -> HttpResponse:
    school_ids = _scope(request)
    form = _form(request, school_ids)
    filters = form.filters()
    rows = selectors.outstanding(school_ids, filters).select_related("person", "policy", "version").defer(
        "version__body")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "reports/outstanding.html", {
        "form": form, "filters": filters, "page": page, "today": timezone.localdate(), "columns": PAGE_COLUMNS,
    })


def outstanding_export(request: HttpRequest, fmt: str) -> HttpResponse:
    school_ids = _scope(request)
    rows = as_rows(selectors.outstanding(school_ids, _form(request, school_ids).filters()))
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(exports.xlsx_bytes(rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="outstanding-sign-offs-{stamp}.xlsx"'
        return response
    response = StreamingHttpResponse(exports.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outstanding-sign-offs-{stamp}.csv"'
    return response
