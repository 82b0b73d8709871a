"""A school's copy of a trust policy: the trust version plus the local parts
its adoption adds: local sections placed after the trust section they add to
or instead of the one they replace, and the school's named contacts. Each
local part is marked as local; the copy's line says whose policy it is and
who adopted it when."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from adoptions.models import Adoption, LocalContact, LocalSection
from adoptions.redlines import section_key
from people.models import Person
from policies.models import PolicyVersion
from policies.rendering import render_markdown
from policies.text import normalise_text

_HEADING = re.compile(r"^##\s+(.*)$", re.MULTILINE)

MISSING_SECTION = "The trust's section '{section}' is not in this text, so this local section is shown here."


def adoption_in_force(person: Person, version: PolicyVersion) -> Adoption | None:
    """The adoption of this trust version in force at one of the person's
    schools, if any: what they read and sign is then the school's copy. (An
    adoption of an earlier version is not: until the school re-adopts, its
    staff sign the trust's text of the new one.)"""
    adoption = (Adoption.objects.filter(version=version, status__in=Adoption.IN_FORCE_STATUSES, school__people=person)
                .select_related("school__trust").order_by("school_id").first())
    if adoption is not None:
        adoption.version = version  # the caller's: its body is not read twice (every sign-off asks)
    return adoption


@dataclass(frozen=True)
class CopyPart:
    html: SafeString
    local: bool = False
    note: str = ""  # for a local section: what it does to the trust's text


@dataclass(frozen=True)
class SchoolCopy:
    adoption: Adoption
    line: str
    local_label: str
    parts: list[CopyPart]
    contacts: list[LocalContact]


def _trust_sections(body: str) -> list[tuple[str, str]]:
    """(heading, Markdown) of each "## " section; the preamble's heading is ""."""
    body = normalise_text(body)
    matches = list(_HEADING.finditer(body))
    parts = []
    preamble = body[: matches[0].start()] if matches else body
    if preamble.strip():
        parts.append(("", preamble.strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        parts.append((match.group(1).strip(), body[match.start():end].strip()))
    return parts


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def copy_line(adoption: Adoption) -> str:
    """ "Oakfield Learning Trust policy, adopted by Riverside Academy on 12 October 2026", and when a
    minor trust version carried the adoption forward, which and when."""
    trust = adoption.school.trust
    if adoption.status in Adoption.IN_FORCE_STATUSES | {Adoption.Status.SUPERSEDED} and adoption.adopted_on:
        line = f"{trust} policy, adopted by {adoption.school} on {long_date(adoption.adopted_on)}"
        if adoption.carried_forward_on:
            line += (f"; carried forward to the trust's minor revision {adoption.version.label} on "
                     f"{long_date(adoption.carried_forward_on)}")
        return line
    return f"{trust} policy, {adoption.get_status_display().lower()} by {adoption.school} (not yet adopted)"


def compose(version_body: str, sections: list[LocalSection]) -> list[CopyPart]:
    """The trust's sections with the local ones added after or replacing the
    section they name (by its heading as it reads, or failing that by its
    heading without its number); a local section whose trust section is not
    in the text comes at the end, saying so."""
    placed: set[int] = set()
    parts: list[CopyPart] = []
    trust = _trust_sections(version_body)
    headings = [heading for heading, _ in trust]
    for heading, markdown in trust:
        mine = [s for s in sections if s.pk not in placed and _names(s, heading, headings)]
        replacing = next((s for s in mine if s.kind == LocalSection.Kind.REPLACES), None)
        if replacing is not None:
            placed.add(replacing.pk)
            parts.append(CopyPart(_html(f"## {heading}\n\n{replacing.body}"), local=True,
                                  note=f"Replaces the trust's section '{heading}'"))
        else:
            parts.append(CopyPart(_html(markdown)))
        for section in mine:
            if section.kind == LocalSection.Kind.ADDS_TO:
                placed.add(section.pk)
                parts.append(CopyPart(_html(section.body), local=True, note=f"Adds to the trust's section '{heading}'"))
    for section in sections:
        if section.pk not in placed:
            note = MISSING_SECTION.format(section=section.section)
            parts.append(CopyPart(_html(section.body), local=True, note=note))
    return parts


def _names(section: LocalSection, heading: str, headings: list[str]) -> bool:
    if not heading:
        return False
    if section.section == heading:
        return True
    # Renumbered since: the same section by its words, unless another heading reads exactly as named.
    return section.section not in headings and section_key(section.section) == section_key(heading)


def _html(markdown: str) -> SafeString:
    return mark_safe(render_markdown(markdown).html)  # noqa: S308  (render_markdown sanitises with nh3)


def school_copy(adoption: Adoption, *, body: str | None = None) -> SchoolCopy:
    """The school's copy of the adopted version, or of `body` (the variant of
    it a person reads: its sections take the local parts where they match)."""
    sections = list(adoption.local_sections.all())
    trust_text = adoption.version.body if body is None else body
    return SchoolCopy(adoption=adoption, line=copy_line(adoption), local_label=f"Local to {adoption.school}",
                      parts=compose(trust_text, sections), contacts=list(adoption.contacts.all()))


def contacts_html(contacts: list[LocalContact]) -> SafeString:
    """The contacts as a definition list (used by the PDF)."""
    return format_html("<dl>{}</dl>", format_html_join(
        "", "<dt>{}</dt><dd>{} {} {}</dd>", ((c.role, c.name, c.email, c.phone) for c in contacts)))


def schools_yet_to_adopt(person: Person, version: PolicyVersion, *, in_force: Adoption | None | bool = True
                         ) -> list:
    """The person's schools that adopted an earlier version of this policy
    and have not adopted this one yet: their staff read the trust's text
    meanwhile, and the sign page says so. `in_force` is adoption_in_force's
    answer when the caller has it (the sign page's text_to_sign asked)."""
    if in_force is True:
        in_force = adoption_in_force(person, version)
    if in_force is not None:
        return []
    return [a.school for a in Adoption.objects.filter(
        policy=version.policy_id, status__in=Adoption.IN_FORCE_STATUSES,
        school__in=person.schools.values("pk")).exclude(version=version).select_related("school")]
