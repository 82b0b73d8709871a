"""The kept sign-off counts (acknowledgements.counts) equal a full recount
after every way obligations and people change: the services, the pages, the
admin, the shell, the staff import, retention and the clock moving on."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import F
from django.urls import reverse

from acknowledgements import counts
from acknowledgements.models import Obligation, PersonSignOffCount, SignOffCount, SignOffRule
from acknowledgements.services import record_sign_off, set_sign_off_rule, sync_obligations
from people.models import Person, StaffGroup, in_post_condition
from people.staff_import import import_staff_csv
from policies.services import publish_version
from privacy.retention import anonymise_person
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule, view

TODAY = datetime.date(2026, 11, 25)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


def kept() -> tuple[dict, dict]:
    """The kept rows that say anything (a row of zeros says nothing)."""
    schools = {(row.school_id, row.version_id, row.staff_group): (row.policy_id, row.signed, row.outstanding,
                                                                    row.overdue)
               for row in SignOffCount.objects.all() if row.signed or row.outstanding or row.overdue}
    people = {row.person_id: (row.owed, row.overdue) for row in PersonSignOffCount.objects.all()
              if row.owed or row.overdue}
    return schools, people


def counted(as_of: datetime.date) -> tuple[dict, dict]:
    """The same figures counted from the obligations with the ORM, the way
    the reports count them, independently of acknowledgements.counts."""
    schools, people = defaultdict(lambda: [0, 0, 0, 0]), defaultdict(lambda: [0, 0])
    live = (Obligation.objects.filter(status__in=[Obligation.Status.SIGNED, Obligation.Status.OUTSTANDING])
            .filter(in_post_condition(as_of, via="person")).select_related("person")
            .prefetch_related("person__schools"))
    for obligation in live:
        outstanding = obligation.status == Obligation.Status.OUTSTANDING
        late = outstanding and obligation.due_on < as_of
        for school in obligation.person.schools.all():
            figures = schools[(school.pk, obligation.version_id, obligation.person.staff_group)]
            figures[0] = obligation.policy_id
            figures[1] += not outstanding
            figures[2] += outstanding
            figures[3] += late
        if outstanding:
            people[obligation.person_id][0] += 1
            people[obligation.person_id][1] += late
    return {key: tuple(value) for key, value in schools.items()}, {key: tuple(value) for key, value in people.items()}


def agree(step: str) -> None:
    """Kept == counted with the ORM == counts.check_counts' own recount."""
    as_of = counts.overdue_as_of()
    schools, people = kept()
    expected_schools, expected_people = counted(as_of)
    assert schools == expected_schools, f"after {step}: by school"
    assert people == expected_people, f"after {step}: by person"
    check = counts.check_counts()
    assert (check.disagreements, check.named) == (0, []), f"after {step}"


def change_person_in_admin(admin, person: Person, changes: dict, on_commit) -> None:
    """Submit the admin's change form for a person as shown, with `changes` typed in."""
    url = f"/admin/people/person/{person.pk}/change/"
    page = admin.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            value = [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
        data[name] = "" if value is None else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
        for each in inline.formset.forms:
            data.update({f"{each.prefix}-{key}": getattr(value, "pk", value) if value is not None else ""
                         for key, value in each.initial.items()})
            if each.instance.pk is not None:
                data[f"{each.prefix}-id"] = each.instance.pk
    data.update(changes)
    with on_commit(execute=True):
        response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


STAFF_CSV = "First name,Last name,Email,School,Staff group,Start date,Leave date\n"


def test_kept_counts_equal_a_recount_after_every_way_obligations_change(
        world, client, admin_client, django_capture_on_commit_callbacks):
    on_commit = django_capture_on_commit_callbacks
    agree("nothing yet")

    # sync creating: trust policies everyone owes (overdue: published 1 September 2024), a school's own
    conduct = published_policy(organisation=world.trust, title="Code of Conduct")
    sign_off_rule(conduct)
    fresh = published_policy(organisation=world.trust, title="Email Policy")
    fresh_version = fresh.current_version
    rule = sign_off_rule(fresh, groups=["teaching", "support"], new_version_days=600)  # due 24 April 2026
    north_only = published_policy(organisation=world.north, title="North Uniform")
    sign_off_rule(north_only, groups=["teaching"])
    assert Obligation.objects.filter(status=Obligation.Status.OUTSTANDING).count() > 5
    agree("sync creating")

    # signed in the browser, then on paper by the school's HR
    client.force_login(world.staff.user)
    client.get(f"/my/sign/{conduct.slug}/")  # opens the text
    response = client.post(f"/my/sign/{conduct.slug}/", {"version": conduct.current_version.pk, "confirm": "on"})
    assert response.status_code in (200, 302)
    assert Obligation.objects.get(person=world.staff, policy=conduct).status == Obligation.Status.SIGNED
    agree("a sign-off in the browser")
    client.force_login(world.school_hr.user)
    response = client.post(reverse("acknowledgements:record_paper", args=[world.staff.pk]),
                           {"version": fresh_version.pk, "signed_on": TODAY.isoformat()})
    assert Obligation.objects.get(person=world.staff, policy=fresh).status == Obligation.Status.SIGNED
    agree("a paper sign-off")

    # a rule changed (withdrawing), put back (reopening), its window made longer (due dates move)
    with on_commit(execute=True):
        rule.staff_groups = ["teaching"]
        rule.save()
    assert Obligation.objects.filter(policy=fresh, status=Obligation.Status.WITHDRAWN).exists()
    agree("a rule change withdrawing")
    with on_commit(execute=True):
        rule.staff_groups = ["teaching", "support"]
        rule.save()
    agree("a rule put back reopening")
    overdue_before = Obligation.objects.filter(policy=fresh, status=Obligation.Status.OUTSTANDING,
                                               due_on__lt=TODAY).count()
    with on_commit(execute=True):
        rule.new_version_days = 900
        rule.save()
    assert Obligation.objects.filter(policy=fresh, status=Obligation.Status.OUTSTANDING,
                                     due_on__lt=TODAY).count() < overdue_before
    agree("a due date extended")

    # a new major version: owed again by everyone, the old one's sign-offs stay signed
    major = VersionFactory(policy=conduct, label="2.0", is_major=True, effective_on=TODAY, approved_on=TODAY)
    publish_version(major, on=TODAY)
    assert Obligation.objects.filter(version=major, status=Obligation.Status.OUTSTANDING).exists()
    agree("a new major version")

    # a person moves school, joins a second, leaves one (both sides of the relation), changes group
    with on_commit(execute=True):
        world.staff.schools.set([world.south])
    agree("a person moving school")
    with on_commit(execute=True):
        world.north.people.add(world.staff)
    agree("a person joining a second school")
    with on_commit(execute=True):
        world.south.people.remove(world.staff)
    agree("a person leaving one of two schools")
    with on_commit(execute=True):
        world.staff.staff_group = StaffGroup.SUPPORT
        world.staff.save()
    agree("a person changing staff group")

    # a leave date in the past counts nowhere at once, before any sync
    world.owner.leave_date = day(-1)
    world.owner.save()
    assert Obligation.objects.filter(person=world.owner, status=Obligation.Status.OUTSTANDING).exists()
    agree("a leave date in the past")
    sync_obligations(person=world.owner)
    agree("the leaver's obligations withdrawn")

    # the admin: a staff group and a school changed on the person's page
    change_person_in_admin(admin_client, world.governance, {"staff_group": StaffGroup.TEACHING,
                                                     "schools": [world.north.pk]}, on_commit)
    assert Person.objects.get(pk=world.governance.pk).staff_group == StaffGroup.TEACHING
    agree("an admin save")

    # the shell: single rows created, changed and deleted, and queryset updates and deletes
    extra = Obligation.objects.create(person=world.trust_hr, policy=north_only, version=north_only.current_version,
                                      reason=Obligation.Reason.NEW_STARTER, owed_since=day(-40), due_on=day(-20))
    agree("Obligation.objects.create")
    extra.status = Obligation.Status.SIGNED
    extra.save()
    agree("obligation.save()")
    extra.due_on = day(5)
    extra.status = Obligation.Status.OUTSTANDING
    extra.save(update_fields=["due_on", "status"])
    agree("obligation.save(update_fields=...)")
    extra.delete()
    agree("obligation.delete()")
    Obligation.objects.filter(policy=fresh).update(due_on=day(-3))
    agree("a queryset update of due dates")
    Obligation.objects.filter(person=world.school_hr, policy=conduct).delete()
    agree("a queryset delete")

    # the staff import: a new starter, and an existing person moving school and group
    data = (STAFF_CSV + f"Nia,New,nia.new@school.example,North Primary,Teacher,{day(-3):%d/%m/%Y},\n"
            + "Hana,North,hr.north@school.example,South Academy,Leadership,01/09/2020,\n").encode()
    result = import_staff_csv(data)
    assert result.ok, result.errors
    assert (result.new, result.updated) == (1, 1)
    assert Obligation.objects.filter(person__email="nia.new@school.example").exists()
    agree("a staff import")

    # a future leave date, reached by the clock; the clock moving on makes due dates overdue
    world.trust_hr.leave_date = day(5)
    world.trust_hr.save()
    agree("a future leave date")
    for offset in (1, 4, 5, 6, 30, 300):
        rolled = counts.roll_overdue(day(offset))
        assert rolled.now == day(offset)
        agree(f"rolling to day {offset}")
    assert not PersonSignOffCount.objects.filter(person=world.trust_hr, owed__gt=0).exists()
    counts.roll_overdue(TODAY)
    agree("rolling back to today")

    # retention anonymises a leaver; a person with nothing signed is deleted in the shell
    anonymise_person(world.owner, today=day(1))
    agree("anonymisation")
    starter = PersonFactory(schools=[world.north, world.south])
    sync_obligations(person=starter)
    assert Obligation.objects.filter(person=starter).exists()
    agree("another starter")
    starter.delete()
    agree("a person deleted")

    # a dry run writes nothing, a rule deleted withdraws everything it asked
    sync_obligations(dry_run=True)
    agree("a dry run")
    with on_commit(execute=True):
        SignOffRule.objects.filter(policy=north_only).delete()
    agree("a rule deleted")
    with on_commit(execute=True):
        set_sign_off_rule(north_only, staff_groups=["teaching", "support"], schools=[world.north])
    agree("a rule set again with schools")


def test_a_sign_off_costs_the_same_queries_however_large_the_trust(world, django_assert_max_num_queries):
    """Keeping the counts reads the signer's rows and adds to a few counters:
    nothing in a sign-off grows with the number of staff or obligations."""
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy)
    first, second = PersonFactory(schools=[world.north]), PersonFactory(schools=[world.north, world.south])
    sync_obligations(policy=policy)

    def queries_to_sign(person: Person) -> int:
        view(person, policy.current_version)  # the sign page opened first
        with django_assert_max_num_queries(30) as captured:
            record_sign_off(person=person, version=policy.current_version)
        return len(captured.captured_queries)

    few = queries_to_sign(first)
    for n in range(40):
        PersonFactory(schools=[world.north, world.south][n % 2:])
    sync_obligations(policy=policy)
    assert Obligation.objects.count() > 40

    assert queries_to_sign(second) <= few
    agree("sign-offs in a larger trust")


def test_a_seeded_trust_has_its_counts_built_despite_its_bulk_inserts(db):
    from portal.seed import seed_large_trust

    seed_large_trust(schools=3, staff=40, policies=5)

    assert SignOffCount.objects.filter(signed__gt=0).exists()
    agree("seed_demo")


def test_an_update_by_expression_is_counted_from_the_rows_read_again(world):
    """A tracked update of plain values knows its rows afterwards without
    reading them; one by expression cannot, and reads them again."""
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy, new_version_days=900)  # published 1 September 2024: due in February 2027
    assert Obligation.objects.filter(policy=policy, due_on__gte=TODAY).exists()
    Obligation.objects.filter(policy=policy).update(due_on=F("due_on") - datetime.timedelta(days=700))
    assert not Obligation.objects.filter(policy=policy, due_on__gte=TODAY).exists()
    agree("an update by expression")


def test_a_small_update_over_rows_counted_and_not_is_counted_as_the_database_left_it(world):
    """A sign-off's update is read and written in one statement (PostgreSQL);
    a row not counted before (withdrawn) makes the rows be read again."""
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy)
    PersonFactory(schools=[world.north]), PersonFactory(schools=[world.north, world.south])
    sync_obligations(policy=policy)
    ids = list(Obligation.objects.filter(policy=policy).order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 3
    assert Obligation.objects.filter(pk=ids[0]).update(status=Obligation.Status.WITHDRAWN) == 1
    agree("one withdrawn")
    assert Obligation.objects.filter(pk__in=ids[:3]).update(status=Obligation.Status.OUTSTANDING, due_on=day(-3)) == 3
    assert SignOffCount.objects.filter(policy=policy, overdue__gt=0).exists()
    agree("withdrawn and owed rows made owed and overdue")
    assert Obligation.objects.filter(pk__in=ids[1:3]).update(status=Obligation.Status.SIGNED) == 2
    agree("owed rows signed")
