"""Saying which statutory items a policy meets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from people.models import User
from policies.models import Policy
from statutory import permissions
from statutory.models import StatutoryItem

UNKNOWN_ITEM = ("One of the items chosen is not on the statutory list (it may have just been removed). "
                "Nothing was changed.")


class TaggingError(ValueError):
    pass


def tag_policy(policy: Policy, *, item_keys: list[str], by: User) -> list[StatutoryItem]:
    """Make the policy's statutory items exactly these; safe to run twice.
    Raises PermissionDenied for someone who may not tag it and TaggingError
    for a key that is not on the list (nothing changes)."""
    if not permissions.can_tag(by, policy):
        raise PermissionDenied(permissions.TAG_DENIED)
    keys = set(item_keys)
    items = list(StatutoryItem.objects.filter(key__in=keys))
    if len(items) != len(keys):
        raise TaggingError(UNKNOWN_ITEM)
    with transaction.atomic():
        policy.statutory_items.set(items)
    return items
