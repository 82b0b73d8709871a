"""One document's correction form: check what was read, correct it, save it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from imports import permissions
from imports.corrections import corrected_policy, owner_candidates_in
from imports.item_forms import ItemCorrectionForm, VersionFormSet, initial_from, values_from
from imports.models import ImportItem
from imports.saving import ALREADY_IMPORTED, NOT_READ, ImportRefused, current_values, import_item, save_corrections
from people.models import Organisation
from policies import permissions as policy_permissions
from policies.importers import ParsedPolicy
from policies.models import Policy
from policies.rendering import render_markdown
from policies.services import import_policy_document

SAVED_READY = "Your corrections to {file} are saved; it will be imported with “Import all that are ready”."
# What a "Check this" marker says, by the importer's uncertain keys.
CHECK_TEXT = {
    "title": "the title was recognised with low confidence.",
    "owner": "the owner named in the document was hard to read.",
    "next_review": "the next review date was hard to read.",
    "review_cycle": "the review cycle was hard to read.",
    "versions": "the version table was hard to read.",
}
CHECK_FIELDS = {"title": "title", "owner": "owner", "next_review": "next_review_on",
                "review_cycle": "review_cycle_months"}
CHECK_ROW_FIELDS = {"version": ("version", "number"), "approved": ("approved_on", "approval date"),
                    "next_review": ("version", "next review")}


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    found = get_object_or_404(ImportItem.objects.select_related("batch__organisation", "policy"), pk=item_id)
    if not permissions.can_open_batch(request.user, found.batch):
        raise PermissionDenied(permissions.BATCH_DENIED)
    context = {"item": found, "organisation": found.batch.organisation}
    if found.state not in ImportItem.OPEN_STATES or found.parsed is None:
        if request.method == "POST":
            messages.error(request, _refusal(found))
            return redirect("imports:item", item_id=found.pk)
        return render(request, "imports/item.html", context)

    read, values = current_values(found)
    allowed = policy_permissions.organisations_for_import(request.user)
    may_choose_owner = policy_permissions.can_import_history(request.user, found.batch.organisation)
    form_kwargs = _form_kwargs(allowed, may_choose_owner)
    if request.method == "POST":
        form = ItemCorrectionForm(request.POST, **form_kwargs)
        versions = VersionFormSet(request.POST, prefix="versions")
        action = request.POST.get("action")
        if form.is_valid() and versions.is_valid():
            values = values_from(form, versions, owner_unchanged=values["owner"])
            if action == "check":  # show what would be saved, save nothing
                return _render(request, found, context, form, versions, values)
            save_corrections(found, values, mark_ready=True)
            if action != "import":
                messages.success(request, SAVED_READY.format(file=found.filename))
                return redirect("imports:item", item_id=found.pk)
            may_import_history = policy_permissions.can_import_history(request.user, found.batch.organisation)
            try:
                outcome = import_item(found, by=request.user, may_import_history=may_import_history)
            except ImportRefused as refused:
                messages.error(request, str(refused))
                return redirect("imports:item", item_id=found.pk)
            messages.success(request, outcome.summary())
            return redirect(outcome.policy)
    else:
        initial, rows = initial_from(values)
        form = ItemCorrectionForm(initial=initial, **form_kwargs)
        versions = VersionFormSet(initial=rows, prefix="versions")
    return _render(request, found, context, form, versions, values)


def _render(request: HttpRequest, found: ImportItem, context: dict, form, versions, values: dict) -> HttpResponse:
    parsed = ParsedPolicy.from_dict(found.parsed)
    context.update(
        parsed=parsed, form=form, versions=versions, body=render_markdown(parsed.body_markdown).html,
        checks=_mark_uncertain(form, versions, parsed.uncertain), **_preview(request, found, parsed, values),
    )
    return render(request, "imports/item.html", context)


def _refusal(found: ImportItem) -> str:
    return (ALREADY_IMPORTED if found.state == ImportItem.State.IMPORTED else NOT_READ).format(file=found.filename)


def _form_kwargs(allowed, may_choose_owner: bool) -> dict:
    """Organisations and the people who may own a policy of each, read once
    for the whole form however many there are."""
    if not may_choose_owner:
        return {"organisations": allowed, "people": None}
    ids = set(allowed.values_list("pk", flat=True))
    # As owner_candidates, for every organisation at once: a school's own
    # people, and for a trust its own and its schools'.
    people = owner_candidates_in(ids)
    owners: dict[int, set[int]] = {}
    for person_id, school_id, trust_id in people.values_list("pk", "schools", "schools__trust").order_by():
        for org_id in (school_id, trust_id):
            if org_id in ids:
                owners.setdefault(org_id, set()).add(person_id)
    return {"organisations": allowed, "people": people.order_by("last_name", "first_name"),
            "owners_by_organisation": owners}


def _mark_uncertain(form: ItemCorrectionForm, versions, uncertain: list[str]) -> dict:
    """Point each field recognised with low confidence at its "Check this"
    note (aria-describedby); return the notes by field name. A row of the
    version table keeps its own notes (row.check_notes)."""
    rows = {}
    for row_form in versions.forms:
        raw = row_form["source"].value()
        row_form.from_document = raw not in (None, "")
        row_form.check_notes = []
        if row_form.from_document and str(raw).isdigit():
            rows[int(raw)] = row_form
    checks: dict[str, str] = {}
    for key in uncertain:
        if key in CHECK_FIELDS and CHECK_FIELDS[key] in form.fields:
            name = CHECK_FIELDS[key]
            checks[name] = CHECK_TEXT[key]
            _describe(form[name], f"check-{name}")
        elif key == "versions":
            checks["versions"] = CHECK_TEXT[key]
        elif key.startswith("versions."):
            _, index, what = (key.split(".") + ["", ""])[:3]
            row_form = rows.get(int(index)) if index.isdigit() else None
            if row_form is None or what not in CHECK_ROW_FIELDS:
                continue
            name, words = CHECK_ROW_FIELDS[what]
            note_id = f"check-{row_form.prefix}-{what}"
            row_form.check_notes.append((note_id, f"the {words} of this row was hard to read."))
            _describe(row_form[name], note_id)
    return checks


def _describe(bound_field, note_id: str) -> None:
    """Add the note to what the field's aria-describedby names, keeping its help text."""
    attrs = bound_field.field.widget.attrs
    ids = attrs.get("aria-describedby", "").split()
    if not ids and bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    attrs["aria-describedby"] = " ".join([*ids, note_id])


def _preview(request: HttpRequest, found: ImportItem, parsed: ParsedPolicy, values: dict) -> dict:
    """What importing the corrected document would do, and whether the
    policy it lands in already has a sign-off rule (which is then kept)."""
    organisation = Organisation.objects.filter(pk=values["organisation"]).first() or found.batch.organisation
    corrected = corrected_policy(parsed, values)
    may_import_history = policy_permissions.can_import_history(request.user, organisation)
    outcome = import_policy_document(corrected, organisation=organisation, by=request.user,
                                     may_import_history=may_import_history, dry_run=True)
    existing = (Policy.objects.filter(organisation=organisation, title__iexact=corrected.title)
                .select_related("sign_off_rule").first())
    rule = getattr(existing, "sign_off_rule", None) if existing is not None else None
    return {"outcome": outcome, "corrected": corrected, "existing_rule": rule, "target": organisation}
