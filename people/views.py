"""HR pages: staff records (with what the apps above people add to them:
people.hr_pages), sign-in links and the staff CSV import. The paper sign-off
page, under a person's path, is acknowledgements'."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from people import hr_pages, permissions, selectors
from people.forms import ConfirmStaffImportForm, PeopleFilterForm, StaffCsvForm
from people.import_jobs import QUEUE_OVER_ROWS, count_rows, queue_staff_import
from people.models import Person
from people.sign_in import send_sign_in_link
from people.staff_import import import_staff_csv

STAFF_IMPORT_SALT = "people.staff-import"
STAFF_IMPORT_EXPIRED = "This check has expired or was altered. Upload the file again."


def _require_hr(request: HttpRequest) -> None:
    if not permissions.is_hr(request.user):
        raise PermissionDenied(permissions.PEOPLE_DENIED)


# The name or email HR searches for is personal data, so it never goes in a
# URL (where browser history, proxies and logs keep it): the search form is
# posted, the words are kept in the session, and the page's URL says only
# "searched" along with the school and leaver filters.
STAFF_SEARCH = "people.staff_search"


@require_http_methods(["GET", "POST"])
def people_list(request: HttpRequest) -> HttpResponse:
    _require_hr(request)
    schools = [s for s in permissions.schools_managed_by(request.user) if not s.is_trust]
    if request.method == "POST":
        form = PeopleFilterForm(request.POST, schools=schools)
        if form.is_valid():
            return _redirect_to_search(request, form.cleaned_data)
    else:
        data = request.GET.copy()
        if "searched" in data:
            data["q"] = request.session.get(STAFF_SEARCH, "")
        else:
            request.session.pop(STAFF_SEARCH, None)
        form = PeopleFilterForm(data or None, schools=schools)
    people = _filtered_people(request.user, form)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "people/people_list.html", {"form": form, "page": page})


def _redirect_to_search(request: HttpRequest, data: dict) -> HttpResponse:
    request.session[STAFF_SEARCH] = data["q"]
    params = {"searched": "1"} if data["q"] else {}
    if data["school"]:
        params["school"] = data["school"]
    if data["include_leavers"]:
        params["include_leavers"] = "on"
    return redirect(f"{reverse('people:list')}?{urlencode(params)}" if params else reverse("people:list"))


def _filtered_people(user, form: PeopleFilterForm):
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return selectors.staff_list(
        permissions.people_visible_to(user), search=data.get("q", ""), school_slug=data.get("school", ""),
        include_leavers=data.get("include_leavers", False), today=timezone.localdate(),
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hr(request)
    person = get_object_or_404(Person.objects.prefetch_related("schools"), pk=pk)
    if not permissions.can_view_person(request.user, person):
        raise PermissionDenied(permissions.PERSON_DENIED)
    section_templates, context = hr_pages.person_sections(person, today=timezone.localdate())
    return render(request, "people/person_detail.html",
                  {**context, "person": person, "section_templates": section_templates})


@require_http_methods(["POST"])
def send_link(request: HttpRequest, pk: int) -> HttpResponse:
    """HR sends a new starter (or anyone without a password) their sign-in link."""
    _require_hr(request)
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_view_person(request.user, person):
        raise PermissionDenied(permissions.PERSON_DENIED)
    if send_sign_in_link(email=person.email):
        person.refresh_from_db()  # the link goes to the login's own address, not the record's
        messages.success(request, f"A sign-in link was emailed to {person.user.email}.")
    else:
        messages.error(request, f"No sign-in link was sent: {person.full_name} has left, or their record's "
                                "email is an administrator's login.")
    return redirect("people:detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def import_staff(request: HttpRequest) -> HttpResponse:
    _require_hr(request)
    allowed = permissions.schools_managed_by(request.user)
    if request.method == "POST" and "payload" in request.POST:
        return _confirm_staff_import(request, allowed)
    form = StaffCsvForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = import_staff_csv(data, dry_run=True, allowed_schools=allowed, importer=request.user)
        payload = signing.dumps(data.decode("latin-1"), salt=STAFF_IMPORT_SALT, compress=True) if result.ok else ""
        return render(request, "people/import_staff_check.html", {
            "result": result, "filename": form.cleaned_data["file"].name,
            "confirm": ConfirmStaffImportForm(initial={"payload": payload}),
        })
    return render(request, "people/import_staff.html", {"form": form})


def _confirm_staff_import(request: HttpRequest, allowed) -> HttpResponse:
    form = ConfirmStaffImportForm(request.POST)
    try:
        if not form.is_valid():
            raise signing.BadSignature
        data = signing.loads(form.cleaned_data["payload"], salt=STAFF_IMPORT_SALT, max_age=3600).encode("latin-1")
    except signing.BadSignature:
        messages.error(request, STAFF_IMPORT_EXPIRED)
        return redirect("people:import")
    if count_rows(data) > QUEUE_OVER_ROWS:  # too long for a request: the worker imports it
        job = queue_staff_import(data=data, filename="", importer=request.user)
        return redirect("people:import_job", pk=job.pk)
    result = import_staff_csv(data, allowed_schools=allowed, importer=request.user)
    if not result.ok:  # the records changed between the check and the confirm
        return render(request, "people/import_staff_check.html", {"result": result, "filename": "", "confirm": None})
    messages.success(request, f"Staff imported: {result.summary()}.")
    return redirect("people:list")


# The waiting page reloads itself (a meta refresh, as the pack's waiting page
# does: no script, so nothing for the Content-Security-Policy to refuse).
IMPORT_JOB_REFRESH_SECONDS = 2


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A queued import's progress, then its summary or its errors. Only the
    HR user who started it sees it; to anyone else it does not exist."""
    _require_hr(request)
    job = get_object_or_404(permissions.import_jobs_visible_to(request.user).defer("data"), pk=pk)
    return render(request, "people/import_job.html", {"job": job, "refresh": IMPORT_JOB_REFRESH_SECONDS})
