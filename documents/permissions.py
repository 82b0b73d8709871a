"""Who may download which PDF. A policy version's PDF follows the library's
rule for reading the version (policies.permissions.can_read_version); the
pack and "my record" are the signed-in person's own."""

from __future__ import annotations

from people.models import Person, User
from people.permissions import can_view_person

RECORD_DENIED = "Only HR for this person's school can download their record."


def can_download_record(user: User, person: Person) -> bool:
    """A person's sign-off record: HR for their school (and the person)."""
    return can_view_person(user, person)
