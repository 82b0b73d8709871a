"""Forget the stored PDF keys (documents.models.VersionPdf) that a change to
the library makes stale.

A stored key stands for everything drawn on an approved version's pages. What
is read with the version itself is checked on each download (the stamp); what
lives in other rows is watched here: the policy's other versions (the version
table), the committees named in it, the policies linked to it (their titles,
and whether they are published yet), the related policies it only names, and
its legislation. A forgotten key is worked out again on the next download, and
the PDF rendered afresh only if what is drawn really changed. The deletes run
in the changing transaction, so they roll back with it.

Connected by DocumentsConfig.ready. Changes made by QuerySet.update() or SQL
send no signal; none of these rows is changed that way (policies.models refuses
bulk updates of approved versions)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from documents.models import VersionPdf
from policies.models import Committee, Legislation, Policy, PolicyVersion, RelatedPolicyName


def forget_pdf_keys(policy_ids: Iterable[int | None]) -> None:
    """Delete the stored PDF keys of these policies' versions."""
    ids = {pk for pk in policy_ids if pk is not None}
    if ids:
        VersionPdf.objects.filter(version__policy_id__in=ids).delete()


@receiver(post_save, sender=PolicyVersion, dispatch_uid="documents.version_saved")
def version_saved(sender, instance: PolicyVersion, **kwargs) -> None:
    # An approved version is a row of every later version's table; a draft is
    # in no approved version's table, and its own key is never stored.
    if instance.is_locked:
        forget_pdf_keys([instance.policy_id])


@receiver(post_save, sender=Policy, dispatch_uid="documents.policy_saved")
def policy_saved(sender, instance: Policy, created: bool, **kwargs) -> None:
    # Its own title and review cycle are in the stamp; the policies linked to
    # it print its title, and list it only once it is published.
    if not created:
        VersionPdf.objects.filter(
            Q(version__policy_id=instance.pk) | Q(version__policy__related=instance.pk)
        ).delete()


@receiver(m2m_changed, sender=Policy.related.through, dispatch_uid="documents.related_changed")
def related_changed(sender, instance: Policy, action: str, pk_set: set[int] | None, **kwargs) -> None:
    if action in ("post_add", "post_remove"):
        forget_pdf_keys([instance.pk, *(pk_set or ())])
    elif action == "pre_clear":
        forget_pdf_keys([instance.pk, *instance.related.values_list("pk", flat=True)])


@receiver(m2m_changed, sender=Policy.legislation.through, dispatch_uid="documents.legislation_changed")
def legislation_changed(sender, instance, action: str, reverse: bool, pk_set: set[int] | None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # policy.legislation.add(...)
        forget_pdf_keys([instance.pk])
    elif action == "pre_clear":  # law.policies.clear()
        VersionPdf.objects.filter(version__policy__legislation=instance).delete()
    else:  # law.policies.add(...)
        forget_pdf_keys(pk_set or ())


@receiver(post_save, sender=Legislation, dispatch_uid="documents.law_saved")
@receiver(pre_delete, sender=Legislation, dispatch_uid="documents.law_deleted")
def law_changed(sender, instance: Legislation, **kwargs) -> None:
    # A renamed or deleted law changes the list of every policy resting on it.
    if kwargs.get("created"):
        return
    VersionPdf.objects.filter(version__policy__legislation=instance).delete()


@receiver(post_save, sender=RelatedPolicyName, dispatch_uid="documents.named_saved")
@receiver(post_delete, sender=RelatedPolicyName, dispatch_uid="documents.named_deleted")
def named_related_changed(sender, instance: RelatedPolicyName, **kwargs) -> None:
    forget_pdf_keys([instance.policy_id])


@receiver(post_save, sender=Committee, dispatch_uid="documents.committee_saved")
def committee_saved(sender, instance: Committee, created: bool, **kwargs) -> None:
    # Its name (or short name) is printed in the version tables it approved.
    if not created:
        VersionPdf.objects.filter(version__policy__versions__committee=instance).delete()
