"""Subject access exports: HR for the people they look after, and anyone for
themselves ("Download my data")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from people import permissions as people_permissions
from people.models import Person
from people.selectors import person_for_user
from privacy import permissions
from privacy.subject_access import export_for_release

NO_STAFF_RECORD = "There is no staff record for this login."


def _download(request: HttpRequest, person: Person) -> HttpResponse:
    # The file name carries the record number, never the name: file names end up in logs and download folders.
    filename = f"subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(export_for_release(person, by=request.user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    if not people_permissions.is_hr(request.user):
        raise PermissionDenied(people_permissions.PEOPLE_DENIED)
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_export_data_of(request.user, person):
        raise PermissionDenied(permissions.EXPORT_DENIED)
    return _download(request, person)


@require_GET
def my_export(request: HttpRequest) -> HttpResponse:
    # A 404, not people.selectors.require_person's 403: for a login with no
    # staff record there is no data to download, rather than a page it may not see.
    person = person_for_user(request.user)
    if person is None:
        raise Http404(NO_STAFF_RECORD)
    return _download(request, person)
