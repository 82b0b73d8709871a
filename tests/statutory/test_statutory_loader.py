"""Loading the DfE's list: the shipped file, again (idempotent), a changed
list, a broken file (a clear error and nothing loaded)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from statutory.loading import DEFAULT_FILE, StatutoryListError, load_items, read_items
from statutory.models import StatutoryItem
from tests.factories import PolicyFactory

GOOD = """
source = "https://www.gov.uk/government/publications/statutory-policies-for-schools-and-academy-trusts"

[[items]]
key = "child-protection"
name = "Child protection policy and procedures"
applies_to = ["academy", "maintained"]
approver = "Governing body or trust board"
approver_bodies = ["trust_board", "local_governing_body"]
review_months = 12
review_text = "Annually"

[[items]]
key = "accessibility-plan"
name = "Accessibility plan"
applies_to = ["academy"]
approver = "Governing body"
review_months = 36
review_text = "Every 3 years"
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def empty(db):
    StatutoryItem.objects.all().delete()


def test_the_shipped_file_reads_with_the_real_list_and_its_source():
    items = read_items(DEFAULT_FILE)
    assert 30 <= len(items) <= 45
    keys = {item["key"] for item in items}
    assert {"child-protection", "behaviour", "charging-and-remissions", "complaints", "data-protection",
            "send-information-report", "accessibility-plan", "careers-provider-access",
            "relationships-sex-health-education", "supporting-medical-conditions", "health-and-safety",
            "whistleblowing", "staff-code-of-conduct", "admissions", "exclusions", "teachers-pay",
            "staff-capability", "teacher-appraisal", "staff-discipline-grievance", "governors-allowances",
            "register-of-interests", "funding-agreement-documents"} <= keys
    assert all(item["source"].startswith("https://www.gov.uk/government/publications/statutory-policies-for-schools")
               for item in items)
    assert "Updated 15 March" in DEFAULT_FILE.read_text(encoding="utf-8")


def test_loading_adds_then_loading_again_changes_nothing(empty, tmp_path, capsys):
    path = _file(tmp_path, GOOD)
    call_command("load_statutory_items", file=path)
    assert "2 added, 0 updated, 0 unchanged, 0 removed." in capsys.readouterr().out
    call_command("load_statutory_items", file=path)
    assert "0 added, 0 updated, 2 unchanged, 0 removed." in capsys.readouterr().out
    plan = StatutoryItem.objects.get(key="accessibility-plan")
    assert (plan.name, plan.review_months, plan.approver_bodies) == ("Accessibility plan", 36, [])
    assert plan.source.startswith("https://www.gov.uk/")


def test_a_changed_list_updates_by_key_and_keeps_tags(empty, tmp_path, capsys):
    load_items(read_items(_file(tmp_path, GOOD)))
    policy = PolicyFactory()
    policy.statutory_items.add(StatutoryItem.objects.get(key="child-protection"))
    changed = GOOD.replace('review_months = 36\nreview_text = "Every 3 years"',
                           'review_months = 24\nreview_text = "Every 2 years"')
    call_command("load_statutory_items", file=_file(tmp_path, changed))
    out = capsys.readouterr().out
    assert "0 added, 1 updated, 1 unchanged, 0 removed." in out
    assert "Updated: accessibility-plan" in out
    assert StatutoryItem.objects.get(key="accessibility-plan").review_months == 24
    assert list(policy.statutory_items.values_list("key", flat=True)) == ["child-protection"]


def test_an_item_dropped_from_the_list_is_removed_unless_a_policy_is_tagged_with_it(empty, tmp_path, capsys):
    load_items(read_items(_file(tmp_path, GOOD)))
    PolicyFactory().statutory_items.add(StatutoryItem.objects.get(key="child-protection"))
    only_header = GOOD.split("[[items]]")[0] + "[[items]]" + GOOD.split("[[items]]")[2].replace(
        "accessibility-plan", "careers").replace("Accessibility plan", "Careers")
    call_command("load_statutory_items", file=_file(tmp_path, only_header))
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 0 unchanged, 1 removed." in out
    assert "Removed: accessibility-plan" in out
    assert "Kept, though no longer on the list, because a policy is tagged with it: child-protection" in out
    assert set(StatutoryItem.objects.values_list("key", flat=True)) == {"child-protection", "careers"}


def test_dry_run_reports_and_changes_nothing(empty, tmp_path, capsys):
    call_command("load_statutory_items", file=_file(tmp_path, GOOD), dry_run=True)
    assert "2 added" in capsys.readouterr().out
    assert not StatutoryItem.objects.exists()


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace('applies_to = ["academy"]', 'applies_to = ["academies"]'),
     "Item 2 (accessibility-plan): applies_to must list some of maintained, academy"),
    (GOOD.replace('approver_bodies = ["trust_board", "local_governing_body"]', 'approver_bodies = ["board"]'),
     "Item 1 (child-protection): approver_bodies may list only"),
    (GOOD.replace("review_months = 36", 'review_months = "three years"'),
     "Item 2 (accessibility-plan): review_months must be a whole number"),
    (GOOD.replace('key = "accessibility-plan"', 'key = "child-protection"'), "the key is used twice"),
    (GOOD.replace('name = "Accessibility plan"\n', ""), "Item 2 (accessibility-plan): name is missing"),
    (GOOD.replace("[[items]]", "[[items"), "cannot be read"),
    ('source = "x"\n', "it has no [[items]]"),
])
def test_a_broken_file_gives_a_clear_error_and_loads_nothing(empty, tmp_path, text, message):
    with pytest.raises(CommandError) as error:
        call_command("load_statutory_items", file=_file(tmp_path, text))
    assert "Nothing was loaded." in str(error.value)
    assert message in str(error.value)
    assert not StatutoryItem.objects.exists()


def test_a_missing_file_is_a_clear_error(empty, tmp_path):
    with pytest.raises(StatutoryListError, match="cannot be read"):
        read_items(tmp_path / "nowhere.toml")
