"""A rule, a person or a policy changed in the admin or the shell resyncs who
owes what once the change commits; a rule's days move open due dates later,
never earlier."""

import datetime

import pytest

from acknowledgements.models import Obligation, SignOffRule
from acknowledgements.owed import owed_from_scratch
from acknowledgements.services import sync_obligations
from people.models import StaffGroup
from tests.factories import PersonFactory, UserFactory, published_policy, sign_off_rule

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def admin(client, db):
    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    return client


def owes(person) -> list[str]:
    return list(Obligation.objects.filter(person=person, status=Obligation.Status.OUTSTANDING)
                .values_list("policy__title", flat=True))


def due_on(person) -> datetime.date:
    return Obligation.objects.get(person=person, status=Obligation.Status.OUTSTANDING).due_on


def change_in_admin(admin, url: str, changes: dict, on_commit) -> None:
    """Submit the admin's change form as shown, with `changes` typed in."""
    page = admin.get(url)
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple) and name == "staff_groups":
            value = field.prepare_value(value)
        elif isinstance(value, list | tuple) or hasattr(value, "all"):
            value = [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
        data[name] = "" if value is None else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
        for each in inline.formset.forms:
            data.update({f"{each.prefix}-{key}": getattr(value, "pk", value) if value is not None else ""
                         for key, value in each.initial.items()})
    data.update(changes)
    with on_commit(execute=True):  # the request's transaction commits; the test's never does
        response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def rule_url(rule: SignOffRule) -> str:
    return f"/admin/acknowledgements/signoffrule/{rule.pk}/change/"


def test_adding_a_staff_group_in_the_admin_makes_them_owe_at_once(world, admin, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust, title="Email policy")
    rule = sign_off_rule(policy, groups=["teaching"])
    governor = PersonFactory(schools=[world.north], staff_group=StaffGroup.GOVERNOR)
    assert owes(governor) == []
    change_in_admin(admin, rule_url(rule), {"staff_groups": '["teaching", "governor"]'},
                    django_capture_on_commit_callbacks)
    assert owes(governor) == ["Email policy"]


def test_limiting_a_rule_to_one_school_in_the_admin_withdraws_the_others(world, admin,
                                                                         django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust, title="Email policy")
    rule = sign_off_rule(policy)
    southerner = PersonFactory(schools=[world.south])
    sync_obligations(person=southerner)
    change_in_admin(admin, rule_url(rule), {"schools": [world.north.pk]}, django_capture_on_commit_callbacks)
    assert owes(southerner) == []
    assert owes(world.staff) == ["Email policy"]


def test_deleting_a_rule_in_the_admin_withdraws_what_it_asked(world, admin, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust)
    rule = sign_off_rule(policy)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/acknowledgements/signoffrule/{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert owes(world.staff) == []


def test_a_longer_window_extends_an_open_due_date(world, admin, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust)
    rule = sign_off_rule(policy, new_version_days=30)
    before = due_on(world.staff)
    change_in_admin(admin, rule_url(rule), {"new_version_days": 60}, django_capture_on_commit_callbacks)
    assert due_on(world.staff) == before + datetime.timedelta(days=30)


def test_a_shorter_window_never_brings_an_open_due_date_forward(world, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust)
    rule = sign_off_rule(policy, new_version_days=900)  # due in 2027: not overdue today
    before = due_on(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        rule.new_version_days = 7  # would have made it due in 2024: overdue for two years
        rule.save()
    assert due_on(world.staff) == before > TODAY
    starter = PersonFactory(schools=[world.north], start_date=TODAY)
    sync_obligations(person=starter)
    assert due_on(starter) == TODAY + datetime.timedelta(days=rule.new_starter_days)


def test_a_rule_changed_in_the_shell_resyncs_once_when_it_commits(world, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    policy = published_policy(organisation=world.trust)
    rule = sign_off_rule(policy, groups=["teaching"])
    syncs = []
    monkeypatch.setattr("acknowledgements.receivers.sync_obligations",
                        lambda **kwargs: syncs.append(kwargs) or sync_obligations(**kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        rule.staff_groups = ["support"]
        rule.save()
        rule.schools.set([world.north])
    assert len(syncs) == 1  # one sync per policy per transaction, however many signals
    assert owes(world.staff) == []
    assert owes(world.school_hr) != [] and owes(world.trust_hr) == []


def test_a_leave_date_set_in_the_admin_withdraws_what_the_leaver_owes(world, admin,
                                                                      django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    change_in_admin(admin, f"/admin/people/person/{world.staff.pk}/change/", {"leave_date": "2026-11-20"},
                    django_capture_on_commit_callbacks)
    assert owes(world.staff) == []


def test_a_new_staff_group_saved_in_the_shell_is_owed_when_it_commits(world, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust, title="Governors' code")
    sign_off_rule(policy, groups=["governor"])
    with django_capture_on_commit_callbacks(execute=True):
        world.staff.staff_group = StaffGroup.GOVERNOR
        world.staff.save()
    assert owes(world.staff) == ["Governors' code"]


def test_moving_a_policy_to_a_school_in_the_admin_resyncs_it(world, django_capture_on_commit_callbacks):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    with django_capture_on_commit_callbacks(execute=True):
        policy.organisation = world.south
        policy.save()
    assert owes(world.staff) == []
    status = Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
    assert set(status.values_list("person_id", "version_id", "period")) == owed_from_scratch(today=TODAY)
