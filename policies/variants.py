"""Variants of a draft for audiences: another text of the same version (a
shorter annex for volunteers and contractors, say) that the policy owner
writes beside the full text and the committee approves with it. Once the
version is approved its variants are locked (VersionVariant's model guard);
the sign-off rule's `variant_groups` says which staff groups owe which."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from policies.models import PolicyVersion, VersionVariant
from policies.text import normalise_text

KEY_TAKEN = "This draft already has a variant with the key “{key}”: choose another key, or edit that variant."
KEY_INVALID = "Give the variant a short key of letters, numbers and hyphens, such as annex-a."
TITLE_MISSING = "Give the variant a title, as staff will read it (for example “Annex A: for volunteers”)."
BODY_MISSING = "Write the variant's text: staff who owe it read and sign only this."
NOT_A_DRAFT = (
    "Version {label} is not a draft you can edit (it has been sent for approval or approved), "
    "so its variants cannot be changed."
)
VARIANT_ADDED = "Variant “{title}” added to draft {label}."
VARIANT_SAVED = "Variant “{title}” saved."
VARIANT_REMOVED = "Variant “{title}” removed from draft {label}."


class VariantRefused(ValueError):
    """A change to a draft's variants the rules do not allow; the message is for the user."""


def add_variant(draft: PolicyVersion, *, key: str, title: str, body: str) -> VersionVariant:
    with transaction.atomic():
        draft = _editable_draft(draft)
        key, title, body = _checked(key=key, title=title, body=body)
        if draft.variants.filter(key=key).exists():
            raise VariantRefused(KEY_TAKEN.format(key=key))
        try:
            with transaction.atomic():
                return VersionVariant.objects.create(version=draft, key=key, title=title, body=body)
        except IntegrityError as error:  # a second tab added the same key at the same moment
            raise VariantRefused(KEY_TAKEN.format(key=key)) from error


def save_variant(variant: VersionVariant, *, title: str, body: str) -> VersionVariant:
    """Change a draft's variant's title and text. The key stays: the sign-off
    rule names it, and the next version's copy keeps it."""
    with transaction.atomic():
        _editable_draft(variant.version)
        _, title, body = _checked(key=variant.key, title=title, body=body)
        variant = VersionVariant.objects.select_for_update().get(pk=variant.pk)
        variant.title, variant.body = title, body
        variant.save()
        return variant


def remove_variant(variant: VersionVariant) -> None:
    with transaction.atomic():
        _editable_draft(variant.version)
        variant.delete()


def copy_variants(*, source: PolicyVersion | None, to: PolicyVersion) -> int:
    """A new draft starts with the current version's variants, as it starts
    with its text. Returns how many were copied."""
    if source is None:
        return 0
    copies = [VersionVariant(version=to, key=v.key, title=v.title, body=v.body) for v in source.variants.all()]
    for copy in copies:  # save() normalises and hashes each, and keeps its history
        copy.save()
    return len(copies)


def _editable_draft(draft: PolicyVersion) -> PolicyVersion:
    draft = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=draft.pk)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise VariantRefused(NOT_A_DRAFT.format(label=draft.label))
    return draft


def _checked(*, key: str, title: str, body: str) -> tuple[str, str, str]:
    key = (key or "").strip().lower()
    if not key or slugify(key) != key or len(key) > 40:
        raise VariantRefused(KEY_INVALID)
    title = " ".join((title or "").split())
    if not title:
        raise VariantRefused(TITLE_MISSING)
    body = normalise_text(body or "")
    if not body:
        raise VariantRefused(BODY_MISSING)
    return key, title, body
