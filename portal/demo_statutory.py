"""The demo trust's statutory tags: which demo policies meet which items of
the DfE's list (the [[statutory_tags]] section of fixtures/demo/trust.toml)."""

from __future__ import annotations

from policies.models import Policy
from statutory.loading import load_items, read_items
from statutory.models import StatutoryItem


def load_statutory_tags(spec: dict) -> int:
    """Tag the demo policies; safe to run again (tags are only added).
    Returns how many tags were new."""
    if not StatutoryItem.objects.exists():
        # The data migration loads the list; a database built without
        # migrations (the tests' --nomigrations) has none yet.
        load_items(read_items())
    items = {item.key: item for item in StatutoryItem.objects.all()}
    added = 0
    for row in spec.get("statutory_tags", []):
        policy = Policy.objects.get(slug=row["policy"])
        before = policy.statutory_items.count()
        policy.statutory_items.add(*(items[key] for key in row["items"]))
        added += policy.statutory_items.count() - before
    return added
