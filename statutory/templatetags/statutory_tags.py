"""The statutory checklist's words on other apps' pages: what a policy
meets (the policy page), the checklist's badges, and the dashboard lines
where governance leads land."""

from __future__ import annotations

from django import template

from statutory.dashboard import statutory_lines

register = template.Library()

_BADGES = {"met": "current", "due": "due"}


@register.filter
def status_badge(status: str) -> str:
    """The existing badge colour for a checklist status."""
    return _BADGES.get(status, "overdue")


@register.filter
def count_of(counts: dict, status: str) -> int:
    return counts.get(status, 0)


@register.inclusion_tag("statutory/_meets.html")
def statutory_meets(policy, can_tag: bool) -> dict:
    """"Meets: …" on the policy page; `can_tag` is the page's own answer to
    may this viewer draft it (permissions.can_tag asks the same), so the line
    costs one query."""
    return {"policy": policy, "items": list(policy.statutory_items.all()), "can_tag": can_tag}



@register.inclusion_tag("statutory/_dashboard_lines.html", takes_context=True)
def statutory_dashboard(context) -> dict:
    """The dashboard lines where governance leads and trustees land (My
    policies); one query for anyone who may not see the checklist, who sees
    nothing."""
    return {"statutory_lines": statutory_lines(context["request"].user)}
