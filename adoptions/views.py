"""The adoption pages: a governance lead's list of the trust's policies by
school, preparing an adoption (contacts and local sections), sending it to
the school's committee, the school's copy and the combined redline."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from adoptions import permissions, selectors, services
from adoptions.copies import school_copy
from adoptions.forms import ContactForm, LocalSectionForm
from adoptions.models import Adoption, LocalContact, LocalSection
from adoptions.redlines import combined_redline, readoption_redline
from people.models import Organisation
from policies.models import Committee, Policy

NO_SUCH_CHOICE = "That school or policy is not one you can adopt for: choose one from the list."
NO_SUCH_COMMITTEE = "Choose one of the school's committees to send the adoption to."


def _led_schools(request: HttpRequest) -> list[Organisation]:
    schools = permissions.schools_led_by(request.user)
    if not schools:
        raise PermissionDenied(permissions.ADOPT_DENIED)
    return schools


def _adoption(request: HttpRequest, pk: int, *, prepare: bool = False) -> Adoption:
    """The adoption, if this user may read it (preparing: lead its school);
    another school's is not found."""
    adoption = get_object_or_404(Adoption.objects.select_related("school__trust", "policy__current_version",
                                                                 "version", "committee"), pk=pk)
    allowed = (permissions.can_adopt_for(request.user, adoption.school) if prepare
               else permissions.can_read_copy(request.user, adoption))
    if not allowed:
        raise Http404
    return adoption


def index(request: HttpRequest) -> HttpResponse:
    schools = _led_schools(request)
    return render(request, "adoptions/index.html", {"overview": selectors.adoptions_overview(schools)})


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    schools = {str(s.pk): s for s in _led_schools(request)}
    school = schools.get(request.POST.get("school", ""))
    policy_id = request.POST.get("policy", "")
    policy = Policy.objects.filter(pk=policy_id).first() if policy_id.isdigit() else None
    if school is None or policy is None:
        messages.error(request, NO_SUCH_CHOICE)
        return redirect("adoptions:index")
    try:
        adoption = services.start_adoption(school=school, policy=policy, by=request.user)
    except services.AdoptionRefused as error:
        messages.error(request, str(error))
        return redirect("adoptions:index")
    return redirect("adoptions:prepare", pk=adoption.pk)


def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = _adoption(request, pk, prepare=True)
    headings = services.section_headings(adoption.version.body)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        bound = _prepare_post(request, adoption, headings)
        if not bound:
            return redirect("adoptions:prepare", pk=pk)
    copy = school_copy(adoption)
    return render(request, "adoptions/prepare.html", {
        "adoption": adoption, "copy": copy, "combined": readoption_redline(adoption),
        "contact_form": bound.get("contact") or ContactForm(),
        "section_form": bound.get("section") or LocalSectionForm(headings=headings),
        "contacts": [(contact, bound.get(f"contact-{contact.pk}") or _contact_form(contact))
                     for contact in copy.contacts],
        "sections": [(section, bound.get(f"section-{section.pk}") or _section_form(section, headings))
                     for section in adoption.local_sections.all()],
        "committees": services.local_committees(adoption.school),
        "editable": adoption.status == Adoption.Status.DRAFT,
        "submission": adoption.submissions.order_by("-submitted_at").first(),
    })


def _contact_form(contact: LocalContact) -> ContactForm:
    """The form that corrects a contact, filled with what it says now."""
    return ContactForm(prefix=f"contact-{contact.pk}", initial={
        "role": contact.role, "name": contact.name, "email": contact.email, "phone": contact.phone})


def _section_form(section: LocalSection, headings: list[str]) -> LocalSectionForm:
    return LocalSectionForm(prefix=f"section-{section.pk}", headings=headings, initial={
        "kind": section.kind, "section": section.section, "body": section.body})


# action: (the form's key on the page, its class, the service, the part's keyword)
_PART_ACTIONS = {
    "add_contact": ("contact", ContactForm, services.add_contact, None),
    "edit_contact": ("contact-{part}", ContactForm, services.change_contact, "contact_id"),
    "add_section": ("section", LocalSectionForm, services.add_local_section, None),
    "edit_section": ("section-{part}", LocalSectionForm, services.change_local_section, "section_id"),
}


def _prepare_post(request: HttpRequest, adoption: Adoption, headings: list[str]) -> dict[str, forms.Form]:
    """Does what the POST asks. Returns the form to show again with what the
    person typed (invalid, or refused with a message), by its key; nothing
    when the page is to be shown afresh."""
    action, part = request.POST.get("action", ""), request.POST.get("part", "")
    if action in ("remove_contact", "remove_section"):
        if part.isdigit():
            field = "contact_id" if action == "remove_contact" else "section_id"
            _done(request, services.remove_local_part, adoption, **{field: int(part)})
        return {}
    if action not in _PART_ACTIONS:
        messages.error(request, "Choose what to do.")
        return {}
    key, form_class, service, part_field = _PART_ACTIONS[action]
    if part_field and not part.isdigit():
        messages.error(request, services.NO_SUCH_PART)
        return {}
    key = key.format(part=part)
    extra = {"headings": headings} if form_class is LocalSectionForm else {}
    form = form_class(request.POST, prefix=key if part_field else None, **extra)
    target = {part_field: int(part)} if part_field else {}
    if form.is_valid() and _done(request, service, adoption, **target, **form.cleaned_data):
        return {}
    return {key: form}


def _done(request: HttpRequest, service, adoption: Adoption, **kwargs) -> bool:
    try:
        service(adoption, **kwargs)
    except services.AdoptionRefused as error:
        messages.error(request, str(error))
        return False
    messages.success(request, "Saved.")
    return True


@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = _adoption(request, pk, prepare=True)
    committee_id = request.POST.get("committee", "")
    committee = Committee.objects.filter(pk=committee_id).first() if committee_id.isdigit() else None
    if committee is None:
        messages.error(request, NO_SUCH_COMMITTEE)
        return redirect("adoptions:prepare", pk=pk)
    try:
        services.send_to_committee(adoption, committee=committee, by=request.user)
    except services.AdoptionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sent to the {committee.name} to adopt.")
    return redirect("adoptions:prepare", pk=pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = _adoption(request, pk)
    return render(request, "adoptions/detail.html", {
        "adoption": adoption, "copy": school_copy(adoption),
        "leads": permissions.can_adopt_for(request.user, adoption.school),
    })


def redline(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = _adoption(request, pk, prepare=True)
    return render(request, "adoptions/redline.html", {"adoption": adoption,
                                                      "combined": combined_redline(adoption)})
