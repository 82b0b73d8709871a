"""Saving an import item into the library, as the person corrected it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from imports.models import ImportItem
from people.models import User
from policies.importers import ParsedPolicy
from policies.services import ImportOutcome, import_policy_document


def import_item(item: ImportItem, *, by: User | None, may_import_history: bool) -> ImportOutcome:
    """Save the item (with its corrections) whole or not at all."""
    parsed = ParsedPolicy.from_dict(item.parsed)
    with transaction.atomic():
        outcome = import_policy_document(parsed, organisation=item.batch.organisation, by=by,
                                         may_import_history=may_import_history)
        item.state, item.policy, item.outcome = ImportItem.State.IMPORTED, outcome.policy, outcome.summary()
        item.imported_at = timezone.now()
        item.save(update_fields=["state", "policy", "outcome", "imported_at"])
    return outcome
