"""Saving an import item: what the person corrected is what is saved, the
timeline says so, and a new policy starts collecting sign-offs."""

import pytest
from django.urls import reverse

from acknowledgements.models import Obligation, SignOffRule
from imports.models import ImportItem
from imports.saving import (
    ALREADY_IMPORTED,
    ORGANISATION_DENIED,
    ImportRefused,
    current_values,
    import_item,
    save_corrections,
)
from policies.models import Policy, PolicyVersion
from policies.services import IMPORTED_HISTORY_REASON
from tests.factories import PersonFactory, published_policy, sign_off_rule
from tests.imports.correcting import MISREAD, form_data, read_document

pytestmark = pytest.mark.django_db



def corrected(item, **changes) -> dict:
    """What was read, as the form would post it back, with `changes`."""
    values = current_values(item)[1]
    return {**values, **changes}


def with_row(values: dict, index: int, **changes) -> dict:
    rows = [dict(row) for row in values["versions"]]
    rows[index].update(changes)
    return {**values, "versions": rows}


def import_as(item, person, **kwargs):
    return import_item(item, by=person.user, may_import_history=kwargs.pop("may_import_history", True))


@pytest.fixture
def misread(world):
    return read_document(world.trust, world.governance, MISREAD, "email.md")


def test_the_corrected_title_and_row_are_what_is_saved(world, misread):
    values = with_row(corrected(misread, title="Email Policy"), 1, approved_on="2024-09-01")
    save_corrections(misread, values)
    import_as(misread, world.governance)

    policy = Policy.objects.get()
    assert policy.title == "Email Policy"
    version = policy.versions.get(label="2.0")
    assert version.approved_on.isoformat() == "2024-09-01"
    assert version.approved_text == "1 September 2024"  # the date the person gave, not the misread words
    assert policy.versions.get(label="1.0").approved_text == "01/09/2023"  # untouched rows keep the document's


def test_the_timeline_says_what_was_corrected(world, signed_in, misread):
    values = with_row(corrected(misread, title="Email Policy"), 1, approved_on="2024-09-01")
    save_corrections(misread, values)
    import_as(misread, world.governance)

    page = signed_in(world.governance).get(Policy.objects.get().get_absolute_url()).content.decode()
    assert "Imported from email.md, corrected: title, version 2.0 approved date" in page
    assert IMPORTED_HISTORY_REASON.format(who="Grace Gov") in page  # who imported it, as before
    reasons = set(PolicyVersion.history.values_list("history_change_reason", flat=True))
    assert all(reason.endswith("corrected: title, version 2.0 approved date") for reason in reasons)


def test_an_uncorrected_import_says_only_where_it_came_from(world, signed_in, misread):
    import_as(misread, world.governance)
    page = signed_in(world.governance).get(Policy.objects.get().get_absolute_url()).content.decode()
    assert "Imported from email.md" in page
    assert "corrected:" not in page


def test_removed_and_added_rows_are_named_in_the_timeline(world, misread):
    values = corrected(misread)
    values["versions"] = [values["versions"][1], {"source": None, "version": "0.9", "approved_on": "2022-09-01",
                                                  "approved_by": "Trust Board", "reason": "", "author": ""}]
    save_corrections(misread, values)
    import_as(misread, world.governance)
    policy = Policy.objects.get()
    assert sorted(policy.versions.values_list("label", flat=True)) == ["0.9", "2.0"]
    reason = policy.history.earliest("history_date").history_change_reason
    assert reason.endswith("corrected: version 1.0 removed, version 0.9 added")


def test_a_published_import_gets_the_rule_chosen_and_staff_owe_it_at_once(world, misread,
                                                                         django_capture_on_commit_callbacks):
    values = corrected(misread, title="Email Policy")
    values["sign_off"] = {"nobody": False, "staff_groups": ["teaching"], "new_starter_days": 10,
                          "new_version_days": 20, "annual_from": None}
    save_corrections(misread, values)
    with django_capture_on_commit_callbacks(execute=True):
        import_as(misread, world.governance)

    policy = Policy.objects.get()
    rule = policy.sign_off_rule
    assert (rule.staff_groups, rule.new_starter_days, rule.new_version_days) == (["teaching"], 10, 20)
    owed = Obligation.objects.filter(policy=policy, status=Obligation.Status.OUTSTANDING)
    assert list(owed.values_list("person", "version__label")) == [(world.staff.pk, "2.0")]


def test_nobody_signs_is_an_explicit_choice_and_nobody_owes_it(world, misread, django_capture_on_commit_callbacks):
    values = corrected(misread, title="Board Terms of Reference")
    values["sign_off"] = {**values["sign_off"], "nobody": True}
    save_corrections(misread, values)
    with django_capture_on_commit_callbacks(execute=True):
        import_as(misread, world.governance)
    policy = Policy.objects.get()
    assert policy.sign_off_rule.staff_groups == []
    assert not Obligation.objects.filter(policy=policy).exists()


def test_an_import_with_no_corrections_gets_the_usual_rule(world, misread, django_capture_on_commit_callbacks):
    for title in ("Acceptable Use Policy", "Social Media Policy"):  # the trust's IT policies: support staff sign
        sign_off_rule(published_policy(title=title, organisation=world.trust, category="it"), groups=["support"],
                      new_starter_days=7)
    item = read_document(world.trust, world.governance, filename="email.md")
    with django_capture_on_commit_callbacks(execute=True):
        import_as(item, world.governance)
    rule = Policy.objects.get(title="Email Policy").sign_off_rule
    assert (rule.staff_groups, rule.new_starter_days, rule.new_version_days) == (["support"], 7, 30)
    assert Obligation.objects.filter(policy=rule.policy, person=world.school_hr).exists()


def test_a_policy_in_the_library_keeps_its_own_rule(world):
    policy = published_policy(title="Email Policy", organisation=world.trust, category="it")
    sign_off_rule(policy, groups=["leadership"])
    import_as(read_document(world.trust, world.governance), world.governance)
    assert SignOffRule.objects.get(policy=policy).staff_groups == ["leadership"]


def test_owner_and_category_chosen_are_a_new_policys(world, misread):
    head = PersonFactory(first_name="Dee", last_name="Head", job_title="Headteacher", schools=[world.north])
    save_corrections(misread, corrected(misread, title="Email Policy", owner=head.pk, category="data_protection"))
    import_as(misread, world.governance)
    policy = Policy.objects.get()
    assert (policy.owner, policy.category) == (head, "data_protection")


def test_the_owner_the_document_names_is_the_owner_when_nothing_is_corrected(world):
    import_as(read_document(world.trust, world.governance), world.governance)
    assert Policy.objects.get().owner == world.owner  # "Policy owner: Head of IT"


def test_an_item_is_imported_once(world, misread):
    import_as(misread, world.governance)
    with pytest.raises(ImportRefused, match=ALREADY_IMPORTED.format(file="email.md")):
        import_as(ImportItem.objects.get(pk=misread.pk), world.governance)
    assert Policy.objects.count() == 1


def test_corrections_moving_the_policy_where_the_importer_may_not_import_are_refused(world):
    nia = PersonFactory(first_name="Nia", last_name="North", schools=[world.north])
    published_policy(title="North Behaviour Policy", organisation=world.north, owner=nia)
    item = read_document(world.north, nia)
    save_corrections(item, corrected(item, organisation=world.south.pk))
    with pytest.raises(ImportRefused, match=ORGANISATION_DENIED):
        import_item(item, by=nia.user, may_import_history=False)
    assert not Policy.objects.filter(organisation=world.south).exists()


def test_a_failure_part_way_saves_nothing_and_leaves_the_item_to_import(world, misread, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("imports.saving.set_rule_unless_set", broken)
    with pytest.raises(RuntimeError):
        import_as(misread, world.governance)
    assert not Policy.objects.exists()
    misread.refresh_from_db()
    assert misread.state in ImportItem.OPEN_STATES


def test_the_form_and_import_all_save_the_same_corrections(world, signed_in, misread):
    """'Save and mark ready' then the batch's import: the corrections hold."""
    client = signed_in(world.governance)
    client.post(reverse("imports:item", args=[misread.pk]), form_data(misread, title="Email Policy", action="save"))
    client.post(reverse("imports:import_ready", args=[misread.batch_id]))
    assert list(Policy.objects.values_list("title", flat=True)) == ["Email Policy"]
