"""A sign-off's evidence in plain words: when the text was opened and signed,
and the check of understanding (acknowledgements.viewings)."""

from __future__ import annotations

from django import template

from acknowledgements import viewings

register = template.Library()


@register.filter
def opened_and_signed(sign_off) -> str:
    return viewings.opened_and_signed(sign_off)


@register.filter
def check_result(sign_off) -> str:
    return viewings.check_result(sign_off)
