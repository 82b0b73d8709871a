"""The school's copy and its combined redline, for pages of the apps above
(the approvals submission page, the sign page) that show an adoption."""

from __future__ import annotations

from django import template

from adoptions.copies import SchoolCopy, school_copy
from adoptions.models import Adoption
from adoptions.redlines import CombinedRedline, combined_redline

register = template.Library()


@register.simple_tag
def adoption_copy(adoption: Adoption) -> SchoolCopy:
    return school_copy(adoption)


@register.simple_tag
def adoption_redline(adoption: Adoption) -> CombinedRedline:
    return combined_redline(adoption)
