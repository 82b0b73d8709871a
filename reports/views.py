"""HR reports: the compliance dashboard and the outstanding list, with exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from acknowledgements import evidence_check
from people.models import Organisation
from policies.models import Policy
from reports import dashboard as dashboard_parts
from reports import export_jobs, exports, permissions, selectors, understanding
from reports.columns import PAGE_COLUMNS
from reports.forms import OutstandingForm
from reports.models import ExportJob, export_name

EXPORT_CONTENT_TYPES = {
    ExportJob.Format.CSV: "text/csv; charset=utf-8",
    ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _scope(request: HttpRequest) -> list[int]:
    school_ids = permissions.report_scope(request.user)
    if school_ids is None:
        raise PermissionDenied(permissions.REPORTS_DENIED)
    return school_ids


def dashboard(request: HttpRequest) -> HttpResponse:
    data, computed_at = selectors.dashboard(_scope(request))
    evidence = evidence_check.last_check()  # the nightly verify_evidence's result
    return render(request, "reports/dashboard.html", {**data, "computed_at": computed_at, "evidence": evidence,
                                                      "evidence_line": evidence_check.dashboard_line(evidence),
                                                      "dashboard_parts": dashboard_parts.rendered_parts(request)})


@require_GET
def understanding_report(request: HttpRequest) -> HttpResponse:
    """First-time pass rates of the checks of understanding, by question."""
    return render(request, "reports/understanding.html",
                  {"versions": understanding.first_time_pass_rates(_scope(request))})


def _form(request: HttpRequest, school_ids: list[int]) -> OutstandingForm:
    schools = Organisation.objects.filter(pk__in=school_ids, kind=Organisation.Kind.SCHOOL).order_by("name")
    policies = Policy.objects.filter(current_version__isnull=False).order_by("title")
    return OutstandingForm(request.GET or None, schools=list(schools.values_list("slug", "name")),
                           policies=list(policies.values_list("slug", "title")))


def outstanding(request: HttpRequest) -> HttpResponse:
    school_ids = _scope(request)
    form = _form(request, school_ids)
    filters = form.filters()
    rows = selectors.for_page(selectors.outstanding(school_ids, filters))
    paginator = Paginator(rows, 50)
    total = selectors.outstanding_total(school_ids, filters)
    if total is not None:  # from the kept counts; otherwise the paginator counts the rows
        paginator.count = total
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "reports/outstanding.html", {
        "form": form, "filters": filters, "page": page, "today": timezone.localdate(), "columns": PAGE_COLUMNS,
        "csv_streams": export_jobs.streams_now("csv", page.paginator.count),
        "recent_exports": export_jobs.recent_exports(request.user),
    })


@require_http_methods(["GET", "POST"])
def outstanding_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered list as a file: a CSV of up to EXPORT_STREAM_MAX_ROWS rows
    streams at once; an XLSX, or a larger CSV, is prepared by the worker and
    the person is taken to its progress page."""
    school_ids = _scope(request)
    if fmt not in ExportJob.Format.values:
        raise Http404("No such export format.")
    filters = _form(request, school_ids).filters()
    obligations = selectors.outstanding(school_ids, filters)
    if not export_jobs.prepared_by_worker(fmt, school_ids, filters, obligations):
        response = StreamingHttpResponse(exports.csv_stream(obligations), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_name("csv", timezone.localdate())}"'
        return response
    if request.method != "POST":
        # A GET (a bookmark, a mail scanner following a link) only offers the
        # button: preparing a file is work the person must ask for.
        return render(request, "reports/export_ask.html", {"fmt": fmt, "label": ExportJob.Format(fmt).label})
    job = export_jobs.request_export(by=request.user, fmt=fmt, filters=filters, school_ids=school_ids)
    return redirect("reports:export_job", pk=job.pk)


def _export_job(request: HttpRequest, pk: int) -> ExportJob:
    _scope(request)
    return get_object_or_404(permissions.export_jobs_visible_to(request.user), pk=pk)


@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An export's progress, then its download link or why it failed."""
    return render(request, "reports/export_job.html", {"job": _export_job(request, pk),
                                                       "kept_for_days": export_jobs.KEPT_FOR_DAYS})


@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job page's body, for htmx to swap in every second until the file is
    ready or has failed (the finished body carries no trigger, so polling stops)."""
    job = _export_job(request, pk)
    if not job.finished:
        export_jobs.resend_if_stalled(job)
    return render(request, "reports/export_progress.html", {"job": job, "kept_for_days": export_jobs.KEPT_FOR_DAYS})


@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    if not permissions.can_download_export(request.user, job):
        raise PermissionDenied(permissions.EXPORT_SCOPE_CHANGED)
    path = export_jobs.file_path(job)
    if path is None:
        raise Http404("This file is not ready, or is no longer kept.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name,
                        content_type=EXPORT_CONTENT_TYPES[job.fmt])
