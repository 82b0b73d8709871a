"""Reading the DfE's list of statutory policies from fixtures/statutory/ and
bringing the StatutoryItem table into line with it. Used by the data
migration (with the historical model) and by `manage.py load_statutory_items`
when the DfE changes the list."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "statutory" / "statutory-policies.toml"

APPLIES_TO = ("maintained", "academy", "nursery", "special", "all_through", "trust")
BODIES = ("trust_board", "trust_committee", "local_governing_body", "headteacher", "other")
FIELDS = ("name", "applies_to", "approver", "approver_bodies", "review_months", "review_text", "source")

FILE_UNREADABLE = "The statutory list {path} cannot be read: {error}"
ITEM_INVALID = "Item {number} ({key}): {problem}"


class StatutoryListError(ValueError):
    """The file is not a list the checklist can use; nothing was loaded."""


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    kept_tagged: list[str] = field(default_factory=list)  # gone from the list, but a policy is tagged with it

    def lines(self) -> list[str]:
        lines = [f"{len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged, "
                 f"{len(self.removed)} removed."]
        lines += [f"Added: {key}" for key in self.added]
        lines += [f"Updated: {key}" for key in self.updated]
        lines += [f"Removed: {key}" for key in self.removed]
        lines += [f"Kept, though no longer on the list, because a policy is tagged with it: {key}"
                  for key in self.kept_tagged]
        return lines


def read_items(path: Path = DEFAULT_FILE) -> list[dict[str, Any]]:
    """Every item in the file, checked; raises StatutoryListError naming each
    problem, so a broken file loads nothing."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise StatutoryListError(FILE_UNREADABLE.format(path=path, error=error)) from error
    source = data.get("source", "")
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        raise StatutoryListError(FILE_UNREADABLE.format(path=path, error="it has no [[items]]"))
    items, problems, seen = [], [], set()
    for number, entry in enumerate(raw, start=1):
        item, item_problems = _checked(entry, source)
        key = item.get("key") or "no key"
        if key in seen:
            item_problems.append("the key is used twice")
        seen.add(key)
        problems += [ITEM_INVALID.format(number=number, key=key, problem=p) for p in item_problems]
        items.append(item)
    if problems:
        raise StatutoryListError("\n".join(problems))
    return items


def _checked(entry: dict[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    problems = []
    item = {
        "key": str(entry.get("key", "")).strip(),
        "name": str(entry.get("name", "")).strip(),
        "applies_to": entry.get("applies_to", []),
        "approver": str(entry.get("approver", "")).strip(),
        "approver_bodies": entry.get("approver_bodies", []),
        "review_months": entry.get("review_months"),
        "review_text": str(entry.get("review_text", "")).strip(),
        "source": str(entry.get("source", source)).strip(),
    }
    if not item["key"] or not all(c.isalnum() or c == "-" for c in item["key"]):
        problems.append("the key must be letters, digits and hyphens")
    for name in ("name", "approver"):
        if not item[name]:
            problems.append(f"{name} is missing")
    if not isinstance(item["applies_to"], list) or not item["applies_to"] or \
            not set(item["applies_to"]) <= set(APPLIES_TO):
        problems.append(f"applies_to must list some of {', '.join(APPLIES_TO)}")
    if not isinstance(item["approver_bodies"], list) or not set(item["approver_bodies"]) <= set(BODIES):
        problems.append(f"approver_bodies may list only {', '.join(BODIES)}")
    months = item["review_months"]
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120):
        problems.append("review_months must be a whole number of months from 1 to 120")
    return item, problems


def load_items(items: list[dict[str, Any]], *, model=None, dry_run: bool = False) -> LoadReport:
    """Update by key, add what is new, remove what the list dropped unless a
    policy is tagged with it. `model` is the historical model in a migration."""
    if model is None:
        from statutory.models import StatutoryItem as model  # noqa: N813 (the same name the migration passes)
    report = LoadReport()
    with transaction.atomic():
        existing = {item.key: item for item in model.objects.all()}
        for data in items:
            current = existing.pop(data["key"], None)
            if current is None:
                model.objects.create(key=data["key"], **{name: data[name] for name in FIELDS})
                report.added.append(data["key"])
            elif any(getattr(current, name) != data[name] for name in FIELDS):
                for name in FIELDS:
                    setattr(current, name, data[name])
                current.save()
                report.updated.append(data["key"])
            else:
                report.unchanged += 1
        for key, gone in sorted(existing.items()):
            if gone.policies.exists():
                report.kept_tagged.append(key)
            else:
                gone.delete()
                report.removed.append(key)
        if dry_run:
            transaction.set_rollback(True)
    return report
