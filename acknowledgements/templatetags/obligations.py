"""Template words for obligations, so every page says the same thing."""

from __future__ import annotations

from django import template

from acknowledgements import exemptions, rules
from acknowledgements.models import Obligation

register = template.Library()


@register.filter
def reason_label(obligation: Obligation) -> str:
    return rules.reason_label(obligation)


@register.filter
def period_label(period: str) -> str:
    return rules.period_label(period)


@register.filter
def closed_because(obligation: Obligation) -> str:
    return exemptions.closed_because(obligation)
