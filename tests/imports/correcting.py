"""Shared by the correction-form tests: an import item read from a document
of our own, and the form data a person would post for it."""

from __future__ import annotations

from imports.item_forms import initial_from
from imports.models import ImportItem
from imports.reading import read_item, start_batch
from imports.saving import current_values

EMAIL_POLICY = (
    b"# Email Policy\n\n"
    b"Policy owner: Head of IT\n\n"
    b"| Version | Date approved | Reason for revision | Author |\n|---|---|---|---|\n"
    b"| 1.0 | 01/09/2023 (Trust Board) | New policy | Head of IT |\n"
    b"| 2.0 | 01/09/2024 (Trust Board) | Annual review | Head of IT |\n\n"
    b"Review cycle: 1 year\n\n"
    b"## 1. Introduction\n\n1.1 Staff use their work email for school business only.\n\n"
    b"## 2. Legislation\n\n2.1 This policy reflects the Data Protection Act 2018.\n"
)


# A strapline read as the title, and version 2.0's date misread.
MISREAD = (
    b"# Connected, Curious, Kind\n\n"
    b"| Version | Date approved | Reason for revision | Author |\n|---|---|---|---|\n"
    b"| 1.0 | 01/09/2023 (Trust Board) | New policy | Head of IT |\n"
    b"| 2.0 | 01/09/2042 (Trust Board) | Annual review | Head of IT |\n\n"
    b"## 1. Introduction\n\n1.1 Staff use their work email for school business only.\n"
)


def read_document(organisation, by, data: bytes = EMAIL_POLICY, filename: str = "email.md") -> ImportItem:
    batch = start_batch(files=[(filename, data)], organisation=organisation, by=getattr(by, "user", by))
    item = batch.items.get()
    read_item(item.pk)
    item.refresh_from_db()
    return item


def form_data(item: ImportItem, **changes) -> dict:
    """What the correction form posts when the person changes nothing but
    `changes` (field names as posted; versions-N-field for the table)."""
    item.refresh_from_db()
    initial, rows = initial_from(current_values(item)[1])
    data = {
        "title": initial["title"], "organisation": initial["organisation"], "owner": initial["owner"] or "",
        "category": initial["category"], "review_cycle_months": initial["review_cycle_months"] or "",
        "next_review_on": initial["next_review_on"] or "", "related_policies": initial["related_policies"],
        "legislation": initial["legislation"], "new_starter_days": initial["new_starter_days"],
        "new_version_days": initial["new_version_days"], "annual_from": initial["annual_from"] or "",
        "staff_groups": initial["staff_groups"], "versions-TOTAL_FORMS": len(rows) + 1,
        "versions-INITIAL_FORMS": len(rows), "versions-MIN_NUM_FORMS": 0, "versions-MAX_NUM_FORMS": 100,
        "action": "import",
    }
    if initial["nobody_signs"]:
        data["nobody_signs"] = "on"
    for index, row in enumerate(rows):
        for name in ("source", "version", "approved_on", "approved_by", "reason", "author"):
            value = row[name]
            data[f"versions-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
