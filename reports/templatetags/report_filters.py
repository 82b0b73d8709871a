"""The outstanding list's filter form and rows, written fast. A large trust's
school and policy lists hold 150 options, and Django renders each option of a
select through two templates: about a quarter of the page's time (12-38 ms a
view). The table's 50 rows of six cells cost as much again through the
template language (12-20 ms, most of the page's own time beside its SQL).
These write the same HTML in one pass."""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable

from django import template
from django.forms import BoundField
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from acknowledgements.models import Obligation
from acknowledgements.rules import period_label, reason_label

register = template.Library()


@register.simple_tag
def select_field(field: BoundField) -> str:
    """The field's <select> (name, id, its choices, the current one selected),
    as the field's own widget would write it."""
    current = str(field.value() or "")
    # html.escape is what django.utils.html.escape calls; used bare, 150
    # options cost a tenth of what format_html's lazy-aware wrapper does.
    options = SafeString("".join(
        f'<option value="{html.escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f'{html.escape(str(label))}</option>'
        for value, label in field.field.choices
    ))
    invalid = format_html(' aria-invalid="{}"', "true") if field.errors else ""
    return format_html('<select name="{}" id="{}"{}>{}</select>', field.html_name, field.id_for_label, invalid,
                       options)


def day(value: datetime.date) -> str:
    """A date as the page writes it (the date filter's "j M Y")."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


CLOSED_CELL = "Was due {due} · closed {closed}: {why}"


def _due(obligation: Obligation, today: datetime.date) -> SafeString | str:
    if obligation.status == Obligation.Status.WITHDRAWN:  # the "Closed without signing" list
        return CLOSED_CELL.format(due=day(obligation.due_on),
                                  closed=day(obligation.closed_on) if obligation.closed_on else "",
                                  why=obligation.get_closed_reason_display() or "no longer owed")
    if obligation.due_on >= today:
        return day(obligation.due_on)
    return format_html('<span class="badge badge--overdue">{} · {} overdue</span>', day(obligation.due_on),
                       timesince(obligation.due_on, today))


def _row(obligation: Obligation, today: datetime.date) -> SafeString:
    person, period = obligation.person, obligation.period
    why = reason_label(obligation) + (f" for {period_label(period)}" if period else "")
    return format_html(
        '<tr><td data-label="Person"><a href="{}">{}</a><br><span class="muted email">{}</span></td>'
        '<td data-label="School">{}</td><td data-label="Staff group">{}</td>'
        '<td data-label="Policy">{} {}<br><span class="muted">{}</span></td>'
        '<td data-label="Owed since">{}</td><td data-label="Due">{}</td></tr>',
        reverse("people:detail", args=[obligation.person_id]), obligation.person_name, person.email,
        obligation.school_name, person.get_staff_group_display(), obligation.policy.title, obligation.version.label,
        why, day(obligation.owed_since), _due(obligation, today),
    )


@register.simple_tag
def outstanding_rows(obligations: Iterable[Obligation], today: datetime.date, columns: int,
                     closed: bool = False) -> SafeString:
    """The outstanding list's table rows (the cells of reports.columns.PAGE_COLUMNS), or a row saying none match."""
    rows = [_row(obligation, today) for obligation in obligations]
    if not rows:
        empty = "No sign-off closed without signing matches." if closed else "Nobody owes a sign-off that matches."
        return format_html('<tr><td colspan="{}">{}</td></tr>', columns, empty)
    return SafeString("\n".join(rows))
