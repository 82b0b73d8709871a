from django.http import HttpRequest

from approvals.selectors import decides_or_drafts
from people.permissions import is_hr
from people.selectors import person_for_user


def portal(request: HttpRequest) -> dict:
    """The signed-in person's staff record, for the header and navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"me": None, "is_hr": False, "decides_or_drafts": False}
    me = person_for_user(user)
    return {"me": me, "is_hr": is_hr(user), "decides_or_drafts": decides_or_drafts(me)}
