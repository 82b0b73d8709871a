"""Who may sign, see a sign-off and record one on paper. Views ask here;
the services check the same rules again for callers other than the pages."""

from __future__ import annotations

from acknowledgements import services
from acknowledgements.models import SignOff
from people.models import Person, User
from people.permissions import can_view_person, is_hr
from people.selectors import has_left
from policies.models import PolicyVersion

NO_STAFF_RECORD = "Your login is not linked to a staff record, so there is nothing for you to sign."


def sign_refusal(person: Person, version: PolicyVersion, *, owes_it: bool = False) -> str | None:
    """Why the person may not sign the version on the sign page, or None if
    they may: a leaver signs nothing, and nobody signs what they do not owe.
    `owes_it`: the caller found their outstanding obligation for it."""
    if has_left(person):
        return services.LEFT_NOTHING_TO_SIGN
    if not owes_it and not services.may_sign(person, version):
        return services.NOT_YOURS_TO_SIGN
    return None


def can_see_sign_off(user: User, sign_off: SignOff) -> bool:
    """The person who signed and HR for them (and administrators)."""
    return can_view_person(user, sign_off.person)


def can_record_paper_sign_off(user: User, person: Person) -> bool:
    """HR for the person's school, never for themselves: a paper form is
    evidence someone else vouches for."""
    return can_view_person(user, person) and person.user_id != user.pk


def can_exempt(user: User, person: Person) -> bool:
    """HR for the person's school may exempt them from a sign-off (and owe it
    again), never themselves: an exemption is a decision about someone else."""
    return is_hr(user) and person.user_id != user.pk and can_view_person(user, person)
