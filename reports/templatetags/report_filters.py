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
from django.forms import BoundField, CheckboxInput, Select
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from acknowledgements.models import Obligation
from acknowledgements.rules import period_label, reason_words
from people.models import StaffGroup

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


def _label(field: BoundField) -> str:
    return f'<label for="{field.id_for_label}">{html.escape(str(field.label))}:</label>'


def _input(field: BoundField) -> str:
    """The field's <input> as its widget writes it: the type, the name, the
    value (a checkbox says "checked" instead), aria-invalid when the value
    was refused, and the id."""
    widget = field.field.widget
    value = field.value()
    attrs = [f'type="{widget.input_type}"', f'name="{field.html_name}"']
    if isinstance(widget, CheckboxInput):
        checked = widget.check_test(value)
    else:
        checked = False
        shown = widget.format_value(value)
        if shown is not None:
            attrs.append(f'value="{html.escape(str(shown))}"')
    if field.errors and not field.is_hidden:
        attrs.append(f'aria-invalid="true" aria-describedby="{field.id_for_label}_error"')
    attrs.append(f'id="{field.id_for_label}"')
    if checked:
        attrs.append("checked")
    return f"<input {' '.join(attrs)}>"


def _error(field: BoundField) -> str:
    """A refused value says why (the list is then shown unfiltered by it)."""
    if not field.errors:
        return ""
    words = " ".join(html.escape(str(error)) for error in field.errors)
    return f'<p class="field-error" id="{field.id_for_label}_error">{words}</p>'


@register.simple_tag
def filter_fields(form) -> SafeString:
    """The outstanding list's filter fields in one pass: each label and
    control as Django's templates would write them (the filter form is on
    every page of the list, and its fifteen little templates cost more than
    the rest of the form)."""
    parts = []
    for field in form:
        widget = field.field.widget
        if field.is_hidden:
            parts.append(_input(field))
        elif isinstance(widget, Select):
            parts.append(f'<div class="field">{_label(field)}{select_field(field)}</div>')
        elif isinstance(widget, CheckboxInput):
            parts.append(f'<div class="field checkbox">{_input(field)} {_label(field)}</div>')
        else:
            parts.append(f'<div class="field">{_label(field)}{_input(field)}{_error(field)}</div>')
    return SafeString("\n".join(parts))



def day(value: datetime.date) -> str:
    """A date as the page writes it (the date filter's "j M Y")."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


CLOSED_CELL = "Was due {due} · closed {closed}: {why}"
CLOSED_REASONS = dict(Obligation.ClosedReason.choices)
STAFF_GROUPS = dict(StaffGroup.choices)
_esc = html.escape  # bare: format_html's lazy-aware wrapper costs ten times as much per cell


def _due(row, today: datetime.date) -> str:
    if row.status == Obligation.Status.WITHDRAWN:  # the "Closed without signing" list
        return _esc(CLOSED_CELL.format(due=day(row.due_on), closed=day(row.closed_on) if row.closed_on else "",
                                       why=CLOSED_REASONS.get(row.closed_reason) or "no longer owed"))
    if row.due_on >= today:
        return day(row.due_on)
    return f'<span class="badge badge--overdue">{day(row.due_on)} · {_esc(timesince(row.due_on, today))} overdue</span>'


def _row(row, today: datetime.date, person_url: tuple[str, str]) -> str:
    """One row of reports.selectors.for_page: every value escaped as it is written."""
    why = reason_words(row.reason, major=row.version__major, minor=row.version__minor, label=row.version__label)
    if row.period:
        why += f" for {period_label(row.period)}"
    group = STAFF_GROUPS.get(row.person__staff_group, row.person__staff_group)
    return (
        f'<tr><td data-label="Person"><a href="{person_url[0]}{row.person_id}{person_url[1]}">'
        f'{_esc(row.person_name)}</a><br><span class="muted email">{_esc(row.person__email)}</span></td>'
        f'<td data-label="School">{_esc(row.school_name or "")}</td><td data-label="Staff group">{_esc(group)}</td>'
        f'<td data-label="Policy">{_esc(row.policy__title)} {_esc(row.version__label)}<br>'
        + (f'{_esc(row.variant__title)}<br>' if row.variant__title else '')
        + f'<span class="muted">{_esc(why)}</span></td>'
        f'<td data-label="Owed since">{day(row.owed_since)}</td><td data-label="Due">{_due(row, today)}</td></tr>'
    )


@register.simple_tag
def outstanding_rows(obligations: Iterable, today: datetime.date, columns: int,
                     closed: bool = False) -> SafeString:
    """The outstanding list's table rows (the cells of reports.columns.PAGE_COLUMNS), or a row saying none match."""
    # Reversed once: the last "0" of /people/0/ becomes each row's id.
    before, after = reverse("people:detail", args=[0]).rsplit("0", 1)
    rows = [_row(row, today, (before, after)) for row in obligations]
    if not rows:
        empty = "No sign-off closed without signing matches." if closed else "Nobody owes a sign-off that matches."
        return format_html('<tr><td colspan="{}">{}</td></tr>', columns, empty)
    return SafeString("\n".join(rows))
