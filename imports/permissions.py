"""Who may see and act on an import: the person who uploaded it, while they
may still import for its trust or school (and administrators)."""

from __future__ import annotations

from imports.models import ImportBatch
from people.models import User
from policies import permissions as policy_permissions

BATCH_DENIED = "This import belongs to someone else, or to a school you can no longer import for."


def can_open_batch(user: User, batch: ImportBatch) -> bool:
    if not policy_permissions.can_import_policies(user):
        return False
    if not user.is_superuser and batch.created_by_id != user.pk:
        return False
    return policy_permissions.organisations_for_import(user).filter(pk=batch.organisation_id).exists()
