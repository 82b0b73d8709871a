"""Saving an import item into the library, as the person corrected it."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from acknowledgements.usual_rules import UsualRule, set_rule_unless_set
from imports.corrections import as_read, corrected_policy, describe, owner_candidates, owner_for
from imports.models import ImportBatch, ImportItem
from people.models import Organisation, Person, User
from policies import permissions as policy_permissions
from policies.importers import ParsedPolicy
from policies.services import ImportOutcome, import_policy_document

logger = logging.getLogger(__name__)

ALREADY_IMPORTED = "{file} has already been imported; it cannot be imported twice."
NOT_READ = "{file} has not been read (or cannot be read), so there is nothing to import."
ORGANISATION_DENIED = "You can import policies only for your own school or trust."


class ImportRefused(Exception):
    """The item cannot be imported; the message is for the user."""


def read_values(item: ImportItem, *, people: list[Person] | None = None) -> dict:
    """What was read, with the owner, category and sign-off rule the portal
    would choose by itself: the correction form's starting point. `people`
    are the owner candidates of the batch's organisation, when a caller
    importing many items has read them once."""
    parsed = ParsedPolicy.from_dict(item.parsed)
    organisation = item.batch.organisation
    if people is None:
        people = list(owner_candidates(organisation))
    return as_read(parsed, organisation=organisation, owner=owner_for(parsed.owner, people))


def save_corrections(item: ImportItem, corrected: dict, *, mark_ready: bool = False) -> None:
    """Keep what the person corrected (with what was read, so the audit entry
    lists only real changes even if the staff list changes meanwhile)."""
    read, _ = current_values(item)
    item.corrections = {"read": read, "corrected": corrected}
    fields = ["corrections"]
    if mark_ready and item.state == ImportItem.State.NEEDS_LOOK:
        item.state = ImportItem.State.READY
        fields.append("state")
    item.save(update_fields=fields)


def current_values(item: ImportItem, *, people: list[Person] | None = None) -> tuple[dict, dict]:
    """(what was read, what will be saved): the corrections if any, else what was read."""
    read = (item.corrections or {}).get("read") or read_values(item, people=people)
    return read, (item.corrections or {}).get("corrected") or read


def import_item(
    item: ImportItem, *, by: User | None, may_import_history: bool, people: list[Person] | None = None,
) -> ImportOutcome:
    """Save the item (with its corrections) whole or not at all, and give a
    new policy the sign-off rule chosen (the trust's usual one by default).
    `may_import_history` is for the batch's organisation; a correction that
    moves the policy to another school or trust is checked again here."""
    with transaction.atomic():
        # The document's bytes are not needed to save what was read from them.
        locked = (ImportItem.objects.select_for_update().select_related("batch__organisation").defer("data")
                  .get(pk=item.pk))
        if locked.state == ImportItem.State.IMPORTED:
            raise ImportRefused(ALREADY_IMPORTED.format(file=locked.filename))
        if locked.state not in ImportItem.OPEN_STATES or locked.parsed is None:
            raise ImportRefused(NOT_READ.format(file=locked.filename))
        read, corrected = current_values(locked, people=people)
        organisation = Organisation.objects.get(pk=corrected["organisation"])
        if organisation.pk != locked.batch.organisation_id and by is not None:
            if not policy_permissions.organisations_for_import(by).filter(pk=organisation.pk).exists():
                raise ImportRefused(ORGANISATION_DENIED)
            may_import_history = policy_permissions.can_import_history(by, organisation)
        owner = owner_candidates(organisation).filter(pk=corrected["owner"]).first() if corrected["owner"] else None
        parsed = corrected_policy(ParsedPolicy.from_dict(locked.parsed), corrected)
        outcome = import_policy_document(
            parsed, organisation=organisation, by=by, may_import_history=may_import_history, owner=owner,
            category=corrected["category"], corrected=describe(read, corrected),
        )
        if outcome.policy is not None and (outcome.created_policy or may_import_history):
            _set_sign_off_rule(outcome, corrected["sign_off"])
        locked.state, locked.policy, locked.outcome = ImportItem.State.IMPORTED, outcome.policy, outcome.summary()
        locked.imported_at = timezone.now()
        locked.save(update_fields=["state", "policy", "outcome", "imported_at"])
    item.state, item.policy, item.outcome, item.imported_at = (
        locked.state, locked.policy, locked.outcome, locked.imported_at)
    return outcome


@dataclass
class ReadyImport:
    """What "Import all that are ready" did: how many were ready and saved,
    and each that failed with a reason for the person (None: unexpected)."""

    ready: int = 0
    imported: int = 0
    failed: list[tuple[str, str | None]] = field(default_factory=list)


def import_ready_items(batch: ImportBatch, *, by: User, may_import_history: bool) -> ReadyImport:
    """Import every ready item of the batch, each whole or not at all; one
    that fails is recorded and stops no other. The organisation's possible
    owners are read once for the batch, not once per document."""
    ready = list(batch.items.filter(state=ImportItem.State.READY).defer("data").select_related("batch__organisation"))
    result = ReadyImport(ready=len(ready))
    people = list(owner_candidates(batch.organisation)) if ready else []
    for item in ready:
        try:
            with transaction.atomic():
                import_item(item, by=by, may_import_history=may_import_history, people=people)
        except Exception as error:
            if not isinstance(error, ImportRefused | ValidationError):
                logger.exception("import item %s (%s) was not imported", item.pk, item.filename)
            result.failed.append((item.filename, _plain(error)))
        else:
            result.imported += 1
    return result


def _plain(error: Exception) -> str | None:
    """A refusal's or validation error's own words; anything else is not for the person."""
    if isinstance(error, ImportRefused):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return None


def _set_sign_off_rule(outcome: ImportOutcome, sign_off: dict) -> None:
    """The rule as chosen (no staff groups: nobody signs it) for a new policy,
    or one in the library without a rule that a governance lead imports
    into. A policy's own rule is never replaced by an import."""
    groups = () if sign_off["nobody"] else tuple(sign_off["staff_groups"])
    rule = UsualRule(groups, sign_off["new_starter_days"], sign_off["new_version_days"])
    annual_from = sign_off.get("annual_from")
    annual_from = datetime.date.fromisoformat(annual_from) if annual_from and not rule.nobody else None
    set_rule_unless_set(outcome.policy, rule, annual_from=annual_from)
