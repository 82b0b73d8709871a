"""Every way a rule, a person, a school or a version changes leads to the same
sync: publishing and the staff import through their domain events
(policies.events, people.events; bulk writes send no model signals), and the
admin or the shell through model signals.

A change to a person also moves where their obligations count in the kept
counts (acknowledgements.counts), in the change's own transaction: what
they counted is read before the change (pre_save, pre_add/pre_remove/
pre_clear, staff_changing) and again after it."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from acknowledgements import counts, viewings
from acknowledgements.models import SignOffRule
from acknowledgements.selectors import outstanding_for
from acknowledgements.services import sync_obligations
from acknowledgements.signed_text import full_text
from people.events import staff_changing, staff_imported
from people.models import Person
from people.selectors import person_for_user
from policies.events import version_published, version_text_opened
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


@receiver(version_text_opened)
def record_the_first_opening(sender, version, user, ip_address, user_agent, **kwargs) -> None:
    """The library's page of a version a person owes counts as opening its
    full text, which is what that page shows (acknowledgements.viewings): one
    who owes a variant still opens the variant on the sign page."""
    person = person_for_user(user) if user.is_authenticated else None
    obligation = outstanding_for(person, version) if person is not None else None
    if obligation is not None:  # read once: its period is the viewing's
        viewings.record_viewing(person=person, version=version, ip_address=ip_address, user_agent=user_agent,
                                obligation=obligation, text=full_text(version))


@receiver(staff_changing)
def uncount_staff_the_import_changes(sender, people: list[int], **kwargs) -> None:
    """The import is about to rewrite these people in bulk: take what they
    count out now; owe_sign_offs_of_imported_staff puts it back."""
    counts.subtract_people(people)


@receiver(staff_imported)
def owe_sign_offs_of_imported_staff(sender, people: list[int], **kwargs) -> None:
    """One pass per policy over just the imported people, inside the import's
    transaction, so the cost follows the file, not the size of the trust.
    First their obligations count again where they now are (new people have
    none yet)."""
    with counts.batched():  # one write to the counters for the whole file
        counts.add_people(people)
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


# The kept counts follow a person's changes in the same transaction. What the
# person counted is noted before the change, on the instance the signals share.
COUNTS_CHANGE = "_kept_counts_change"


@receiver(pre_save, sender=Person)
def note_counts_before_a_person_changes(sender, instance: Person, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and not counts.PERSON_FIELDS & set(update_fields):
        return
    setattr(instance, COUNTS_CHANGE, counts.watch_people([instance.pk], people_only=True))


@receiver(post_save, sender=Person)
def move_counts_after_a_person_changes(sender, instance: Person, **kwargs) -> None:
    change = instance.__dict__.pop(COUNTS_CHANGE, None)
    if change is not None:
        change.finish()


@receiver(m2m_changed, sender=Person.schools.through)
def move_counts_when_schools_change(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        if not reverse:
            people = [instance.pk]
        elif pk_set is not None:
            people = list(pk_set)
        else:
            people = list(instance.people.values_list("pk", flat=True))
        setattr(instance, COUNTS_CHANGE, counts.watch_people(people, people_only=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        change = instance.__dict__.pop(COUNTS_CHANGE, None)
        if change is not None:
            change.finish()


@receiver(pre_delete, sender=Person)
def uncount_a_deleted_person(sender, instance: Person, **kwargs) -> None:
    """Their obligations go by cascade, which sends no signal of its own."""
    counts.subtract_people([instance.pk])
