"""The combined redline a school reads before it re-adopts: the trust's
changes between the version it adopted and the new one, and how each change
meets its local parts.

The section-by-section comparison is the approvals redline's
(approvals.redline.compare); approvals sits above adoptions, so it adds it
here when it loads (approvals.adoption_decisions, imported with approvals.services
by its AppConfig)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from adoptions.models import Adoption, LocalSection

Comparer = Callable[[str, str], list]
_comparers: dict[str, Comparer] = {}

# As approvals.redline keys a section: its heading without its number.
_NUMBER = re.compile(r"^(?:(?:appendix|annex)\s+\w+\s*[-–—:]?\s*|\d+(?:\.\d+)*\.?\s+)", re.IGNORECASE)

CHANGED = "Your local section {verb} '{section}', which this version changed: check that it still fits."
REMOVED = "Your local section {verb} '{section}', which this version removed: choose another section."
UNCHANGED = "Your local section {verb} '{section}', which this version left unchanged."
VERBS = {LocalSection.Kind.REPLACES: "replaces", LocalSection.Kind.ADDS_TO: "adds to"}


def add_comparer(name: str, comparer: Comparer) -> None:
    _comparers[name] = comparer


def section_key(heading: str) -> str:
    return " ".join(_NUMBER.sub("", heading).lower().split()) or heading.lower()


@dataclass(frozen=True)
class LocalPartMeets:
    section: LocalSection
    kind: str  # "changed", "removed", "unchanged"
    words: str


@dataclass(frozen=True)
class CombinedRedline:
    adoption: Adoption
    old_version: object  # the trust version the school adopted
    new_version: object  # the trust version it is asked to adopt
    changes: list  # approvals.redline.SectionChange, section by section
    local_parts: list[LocalPartMeets]


def trust_changes(old_body: str, new_body: str) -> list:
    if not _comparers:
        raise RuntimeError("No redline comparer: approvals adds it when it loads.")
    return next(iter(_comparers.values()))(old_body, new_body)


def _meeting(change) -> str:
    """How a trust section's change meets a local part: a move alone is no change of its words."""
    if change.kind in ("moved", "added"):
        return "changed" if change.kind == "added" or "<ins>" in change.html or "<del>" in change.html \
            else "unchanged"
    return change.kind


def readoption_redline(adoption: Adoption) -> CombinedRedline | None:
    """The combined redline a re-adoption shows (its preparing page and its
    committee's page): None for a first adoption, or one of the version the
    school adopted before."""
    if adoption.previous_id is None or adoption.previous.version_id == adoption.version_id:
        return None
    return combined_redline(adoption)


def combined_redline(adoption: Adoption) -> CombinedRedline:
    """The trust's changes the school meets, and for each of the adoption's
    local sections whether the trust changed, removed or kept the section it
    adds to or replaces. For a re-adoption being prepared or decided: from
    the version the school adopted before to the one it now adopts; for an
    adoption in force: from its version to the trust's current one."""
    if adoption.status not in Adoption.LOCKED_STATUSES and adoption.previous_id is not None:
        old_version, new_version = adoption.previous.version, adoption.version
    else:
        old_version, new_version = adoption.version, adoption.policy.current_version or adoption.version
    changes = trust_changes(old_version.body, new_version.body) if new_version.pk != old_version.pk else []
    by_key = {}
    for change in changes:
        for heading in (change.old_heading, change.heading):
            if heading:
                by_key.setdefault(section_key(heading), _meeting(change))
    meets = []
    for section in adoption.local_sections.all():
        kind = by_key.get(section_key(section.section), "removed" if changes else "unchanged")
        template = {"changed": CHANGED, "removed": REMOVED}.get(kind, UNCHANGED)
        meets.append(LocalPartMeets(section, kind, template.format(verb=VERBS[section.kind],
                                                                     section=section.section)))
    return CombinedRedline(adoption, old_version, new_version, changes, meets)
