"""Who may export whose data. HR exports the data of the people they look
after; everyone may download their own (see privacy.views.my_export)."""

from __future__ import annotations

from people.models import Person, User
from people.permissions import can_view_person

EXPORT_DENIED = "Only HR for this person's school can export their data."


def can_export_data_of(user: User, person: Person) -> bool:
    return can_view_person(user, person)
