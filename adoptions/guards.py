"""Adopted adoptions are evidence, as approved versions are: once a school's
committee has adopted it, an adoption's school, version, committee, date and
local hash never change (only the lifecycle moves on: adopted -> to re-adopt
-> superseded), and once it is sent to the committee its local parts never
change, whoever asks (a page, the admin, the shell). Connected in
AdoptionsConfig.ready through the model signals, since a save() or delete()
of any of the three models passes here; their querysets' update() and
bulk_create(), which send no signal, ask here too."""

from __future__ import annotations

from adoptions.models import Adoption, LocalContact, LocalSection

ADOPTION_IS_LOCKED = "The adoption of {policy} by {school} has been {status}: it cannot be changed."
PARTS_ARE_LOCKED = ("The adoption's local parts were sealed when it was sent to the committee: they cannot be "
                    "changed. Ask for changes, or start a new adoption.")

LOCKED_FIELDS = ("school_id", "policy_id", "version_id", "committee_id", "adopted_on", "local_hash", "previous_id",
                 "carried_forward_on")
NEXT_STATUS = {
    Adoption.Status.ADOPTED: {Adoption.Status.ADOPTED, Adoption.Status.TO_READOPT, Adoption.Status.SUPERSEDED},
    Adoption.Status.TO_READOPT: {Adoption.Status.TO_READOPT, Adoption.Status.SUPERSEDED},
    Adoption.Status.SUPERSEDED: {Adoption.Status.SUPERSEDED},
}


class ImmutableAdoptionError(Exception):
    """Raised on any attempt to change an adopted adoption or sealed local parts."""


def refuse_changes_to_adoption(sender, instance: Adoption, **kwargs) -> None:
    if not instance.pk:
        return
    stored = Adoption.objects.filter(pk=instance.pk).values(*LOCKED_FIELDS, "status").first()
    if stored is None or stored["status"] not in Adoption.LOCKED_STATUSES:
        return
    changed = [name for name in LOCKED_FIELDS if stored[name] != getattr(instance, name)]
    if changed or instance.status not in NEXT_STATUS[stored["status"]]:
        raise ImmutableAdoptionError(ADOPTION_IS_LOCKED.format(
            policy=instance.policy, school=instance.school, status=Adoption.Status(stored["status"]).label.lower()))


def refuse_deleting_adoption(sender, instance: Adoption, **kwargs) -> None:
    if Adoption.objects.filter(pk=instance.pk, status__in=Adoption.LOCKED_STATUSES).exists():
        raise ImmutableAdoptionError(ADOPTION_IS_LOCKED.format(
            policy=instance.policy, school=instance.school, status="adopted"))


def refuse_changes_to_parts(sender, instance: LocalContact | LocalSection, **kwargs) -> None:
    """A part may change only while its adoption is being prepared."""
    status = Adoption.objects.filter(pk=instance.adoption_id).values_list("status", flat=True).first()
    if status is not None and status != Adoption.Status.DRAFT:
        raise ImmutableAdoptionError(PARTS_ARE_LOCKED)


BULK_IS_REFUSED = "Adopted adoptions cannot be changed in bulk ({fields}): only their status moves on, one by one."


def refuse_bulk_update(queryset, values: dict) -> None:
    """An update() may move an adopted adoption's status on as save() may,
    and change nothing else of it."""
    locked = queryset.filter(status__in=Adoption.LOCKED_STATUSES)
    touched = [name for name in values if name in LOCKED_FIELDS or f"{name}_id" in LOCKED_FIELDS]
    if touched and locked.exists():
        raise ImmutableAdoptionError(BULK_IS_REFUSED.format(fields=", ".join(touched)))
    if "status" in values:
        new = values["status"]
        stored = set(locked.order_by().values_list("status", flat=True).distinct())
        if any(not isinstance(new, str) or new not in NEXT_STATUS[status] for status in stored):
            raise ImmutableAdoptionError(BULK_IS_REFUSED.format(fields="status"))


def refuse_bulk_changes_to_parts(adoption_ids) -> None:
    """Parts written in bulk, as one by one, only while their adoption is being prepared."""
    if Adoption.objects.filter(pk__in=adoption_ids).exclude(status=Adoption.Status.DRAFT).exists():
        raise ImmutableAdoptionError(PARTS_ARE_LOCKED)
