from django.http import HttpRequest

from people.permissions import is_hr
from people.selectors import person_for_user


def portal(request: HttpRequest) -> dict:
    """The signed-in person's staff record, for the header and navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"me": None, "is_hr": False}
    return {"me": person_for_user(user), "is_hr": is_hr(user)}
