"""Every way a rule, a person, a school or a version changes leads to the same
sync: publishing and the staff import through their domain events
(policies.events, people.events; bulk writes send no model signals), and the
admin or the shell through model signals."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from acknowledgements.models import SignOffRule
from acknowledgements.services import sync_obligations
from people.events import staff_imported
from people.models import Person
from policies.events import version_published
from policies.models import Policy

# Saves of a person that cannot change what they owe (linking a login).
PERSON_FIELDS_THAT_MATTER = {"staff_group", "start_date", "leave_date"}
# A clear is caught before it happens, while the people it removes are known.
M2M_DONE = {"post_add", "post_remove", "pre_clear"}


@receiver(version_published)
def owe_sign_offs_of_the_new_version(sender, version, previous, **kwargs) -> None:
    """A new major version is owed again by everyone who must sign it; a
    minor one moves open obligations to the new text without asking anyone
    who signed the major version to sign again."""
    sync_obligations(policy=version.policy)


@receiver(staff_imported)
def owe_sign_offs_of_imported_staff(sender, people: list[int], **kwargs) -> None:
    """One pass per policy over just the imported people, inside the import's
    transaction, so the cost follows the file, not the size of the trust."""
    sync_obligations(people=people)


class _SyncAfterCommit:
    """One sync per policy or person per transaction: an admin save fires
    post_save and m2m_changed (sometimes twice) for the same change."""

    def __init__(self, *, policy_id: int | None = None, person_id: int | None = None) -> None:
        self.key = ("policy", policy_id) if policy_id is not None else ("person", person_id)
        self.superseded = False

    def __call__(self) -> None:
        if self.superseded:
            return
        kind, pk = self.key
        if kind == "policy":
            policy = Policy.objects.filter(pk=pk).first()
            if policy is not None:
                sync_obligations(policy=policy)
        else:
            sync_obligations(people=[pk])


def _sync_after_commit(**key: int) -> None:
    """The latest registration runs; earlier ones for the same key in the same
    savepoint stand down. They all run after the same commit, so the last sees
    every change, and a rollback drops them all together. One registered
    outside the savepoint is left alone: the savepoint may roll back alone."""
    callback = _SyncAfterCommit(**key)
    # Django keeps pending callbacks on the connection as (savepoint ids, func,
    # robust); an atomic block without a savepoint (None) rolls back with its parent.
    savepoints = set(connection.savepoint_ids) - {None}
    for entry in getattr(connection, "run_on_commit", []):
        if entry[0] - {None} == savepoints and getattr(entry[1], "key", None) == callback.key:
            entry[1].superseded = True
    transaction.on_commit(callback)


@receiver(post_save, sender=SignOffRule)
@receiver(post_delete, sender=SignOffRule)
def resync_when_a_rule_changes(sender, instance: SignOffRule, **kwargs) -> None:
    _sync_after_commit(policy_id=instance.policy_id)


@receiver(m2m_changed, sender=SignOffRule.schools.through)
def resync_when_a_rules_schools_change(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in M2M_DONE:
        return
    if not reverse:
        _sync_after_commit(policy_id=instance.policy_id)
        return
    for policy_id in SignOffRule.objects.filter(pk__in=pk_set or []).values_list("policy_id", flat=True):
        _sync_after_commit(policy_id=policy_id)


@receiver(post_save, sender=Policy)
def resync_when_a_policy_moves(sender, instance: Policy, update_fields=None, **kwargs) -> None:
    """The owning school decides who a rule without schools covers. Publishing
    saves named fields and has its own event."""
    if update_fields is None or "organisation" in update_fields:
        _sync_after_commit(policy_id=instance.pk)


@receiver(post_save, sender=Person)
def resync_when_a_person_changes(sender, instance: Person, update_fields=None, **kwargs) -> None:
    if update_fields is None or PERSON_FIELDS_THAT_MATTER & set(update_fields):
        _sync_after_commit(person_id=instance.pk)


@receiver(m2m_changed, sender=Person.schools.through)
def resync_when_a_persons_schools_change(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in M2M_DONE:
        return
    if not reverse:
        _sync_after_commit(person_id=instance.pk)
        return
    people = pk_set if pk_set is not None else list(instance.people.values_list("pk", flat=True))
    for person_id in people:
        _sync_after_commit(person_id=person_id)
