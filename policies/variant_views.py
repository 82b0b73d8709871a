"""The open draft's variants for audiences: the policy owner adds, edits and
removes them beside the draft (approvals runs the draft page itself). Thin:
permission from policies.permissions, changes by policies.variants."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from policies import permissions, variants
from policies.models import Policy, PolicyVersion, VersionVariant

NO_SUCH_VARIANT = "Draft {label} has no variant with the key “{key}”: it may have been removed."


class VariantForm(forms.Form):
    key = forms.CharField(
        max_length=40, label="Key",
        help_text="Short and stable across versions, letters, numbers and hyphens: annex-a. "
        "The sign-off rule names this key for the staff groups who owe it.",
    )
    title = forms.CharField(max_length=200, label="Title", help_text="As staff read it: Annex A: for volunteers.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16, "class": "editor"}), label="Text",
                           help_text="Markdown, as the full text.")


class VariantEditForm(VariantForm):
    """The key is fixed once added: the rule and the next version's copy name it."""

    key = None


def _draft_or_403(request: HttpRequest, slug: str) -> tuple[Policy, PolicyVersion | None]:
    policy = get_object_or_404(Policy.objects.select_related("organisation"), slug=slug)
    if not permissions.can_edit_drafts(request.user, policy):
        raise PermissionDenied(permissions.EDIT_DENIED)
    return policy, policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first()


def variant_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft's variants, and the form to add one."""
    policy, draft = _draft_or_403(request, slug)
    editable = draft is not None and draft.status == PolicyVersion.Status.DRAFT
    form = VariantForm(request.POST or None) if editable else None
    if request.method == "POST":
        if not editable:
            messages.error(request, _not_editable(draft))
            return redirect("policies:variants", slug=slug)
        if form.is_valid():
            try:
                variant = variants.add_variant(draft, **form.cleaned_data)
            except variants.VariantRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, variants.VARIANT_ADDED.format(title=variant.title, label=draft.label))
                return redirect("policies:variants", slug=slug)
    return render(request, "policies/variant_list.html", {
        "policy": policy, "draft": draft, "editable": editable, "form": form,
        "variants": list(draft.variants.all()) if draft else [],
    })


def variant_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    policy, draft = _draft_or_403(request, slug)
    variant = _variant_or_redirect(request, draft, key)
    if variant is None:
        return redirect("policies:variants", slug=slug)
    form = VariantEditForm(request.POST or None, initial={"title": variant.title, "body": variant.body})
    if request.method == "POST" and form.is_valid():
        try:
            variant = variants.save_variant(variant, **form.cleaned_data)
        except variants.VariantRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, variants.VARIANT_SAVED.format(title=variant.title))
        return redirect("policies:variants", slug=slug)
    return render(request, "policies/variant_edit.html", {
        "policy": policy, "draft": draft, "variant": variant, "form": form,
    })


@require_POST
def variant_remove(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    _, draft = _draft_or_403(request, slug)
    variant = _variant_or_redirect(request, draft, key)
    if variant is not None:
        try:
            variants.remove_variant(variant)
        except variants.VariantRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, variants.VARIANT_REMOVED.format(title=variant.title, label=draft.label))
    return redirect("policies:variants", slug=slug)


def _variant_or_redirect(request: HttpRequest, draft: PolicyVersion | None, key: str) -> VersionVariant | None:
    """The open draft's variant with this key; a draft sent for approval (or
    none) or an unknown key says so, and the caller goes back to the list."""
    if draft is None or draft.status != PolicyVersion.Status.DRAFT:
        messages.error(request, _not_editable(draft))
        return None
    variant = draft.variants.filter(key=key).first()
    if variant is None:
        messages.error(request, NO_SUCH_VARIANT.format(label=draft.label, key=key))
    return variant


def _not_editable(draft: PolicyVersion | None) -> str:
    if draft is None:
        return NO_DRAFT
    return variants.NOT_A_DRAFT.format(label=draft.label)


NO_DRAFT = "This policy has no draft: start a new version first, then add its variants."
