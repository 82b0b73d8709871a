"""The redline's section per variant for audiences. The pages that include
approvals/_redline.html pass the two versions under their own names; this
tag finds them, so every redline shows its variants' changes."""

from __future__ import annotations

from django import template

from approvals.redline import VariantChange, compare_variants
from policies.models import PolicyVersion

register = template.Library()


@register.simple_tag(takes_context=True)
def variant_changes(context) -> list[VariantChange]:
    old, new = _versions(context)
    if not isinstance(new, PolicyVersion):
        return []
    return compare_variants(old if isinstance(old, PolicyVersion) else None, new)


def _versions(context) -> tuple[object, object]:
    # The compare page: old and new; a submission: current and version; the draft page: the policy's current
    # version and the draft.
    if context.get("old") is not None and context.get("new") is not None:
        return context["old"], context["new"]
    if context.get("draft") is not None:
        policy = context.get("policy")
        return getattr(policy, "current_version", None), context["draft"]
    return context.get("current"), context.get("version")
