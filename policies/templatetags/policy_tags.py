import datetime

from django import template

from policies.selectors import ReviewStatus, review_status

register = template.Library()


@register.filter(name="review_status")
def review_status_filter(next_review_on: datetime.date | None) -> ReviewStatus:
    return review_status(next_review_on)
