"""What HR's staff pages show that apps above people know: how many sign-offs
each person on the staff list owes, and the sections of a person's page (what
they owe and what they signed).

people sits below those apps and may not import them (docs/architecture.md),
so each adds its part here when it loads (its AppConfig.ready) and the pages
ask here. Parts are keyed by name, so adding one twice replaces it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from people.models import Person

# (people, today) -> the same people with more annotations.
StaffListAnnotation = Callable[[QuerySet[Person], datetime.date], QuerySet[Person]]
# (person, today) -> what the section's template needs.
SectionContext = Callable[[Person, datetime.date], dict]


@dataclass(frozen=True)
class PersonSection:
    template: str
    context: SectionContext


_staff_list_annotations: dict[str, StaffListAnnotation] = {}
_person_sections: dict[str, PersonSection] = {}


def add_staff_list_annotation(name: str, annotate: StaffListAnnotation) -> None:
    _staff_list_annotations[name] = annotate


def add_person_section(name: str, *, template: str, context: SectionContext) -> None:
    _person_sections[name] = PersonSection(template=template, context=context)


def annotate_staff_list(people: QuerySet[Person], *, today: datetime.date) -> QuerySet[Person]:
    for annotate in _staff_list_annotations.values():
        people = annotate(people, today)
    return people


def person_sections(person: Person, *, today: datetime.date) -> tuple[list[str], dict]:
    """The sections' templates, in the order their apps loaded, and one
    context holding what they all need."""
    templates, context = [], {}
    for section in _person_sections.values():
        templates.append(section.template)
        context.update(section.context(person, today))
    return templates, context
