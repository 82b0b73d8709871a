from django.http import HttpRequest

from approvals.selectors import decides_or_drafts
from people.models import Role, StaffGroup
from people.permissions import is_hr, role_organisations
from people.selectors import person_for_user


def portal(request: HttpRequest) -> dict:
    """The signed-in person's staff record, for the header and navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"me": None, "is_hr": False, "decides_or_drafts": False, "leads_governance": False,
                "sees_statutory": False, "might_see_checklist": False}
    me = person_for_user(user)
    # Read with is_hr's query (every role at once), so the menu costs nothing more.
    leads = bool(role_organisations(user, Role.GOVERNANCE_LEAD))
    trust_hr = any(org.is_trust for org in role_organisations(user, Role.HR))
    trustee = me is not None and me.staff_group == StaffGroup.TRUSTEE
    sees_statutory = leads or trust_hr or trustee or user.is_superuser
    decides = decides_or_drafts(me)
    return {"me": me, "is_hr": is_hr(user), "decides_or_drafts": decides, "leads_governance": leads,
            # statutory.permissions.checklist_scope decides on the page itself (a board seat counts too).
            "sees_statutory": sees_statutory,
            # Whether My policies asks checklist_scope at all: a committee seat may give a scope.
            "might_see_checklist": sees_statutory or decides}
