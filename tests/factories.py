"""factory_boy factories for the tests' small worlds."""

from __future__ import annotations

import datetime

import factory

from people.models import Organisation, Person, RoleAssignment, StaffGroup, User
from policies.models import Category, Committee, Policy, PolicyVersion

PASSWORD = "correct horse battery staple"


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = "Test Learning Trust"
    slug = "test-trust"
    kind = Organisation.Kind.TRUST


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    kind = Organisation.Kind.SCHOOL
    trust = factory.SubFactory(TrustFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Sam{n}")
    last_name = "Taylor"
    email = factory.Sequence(lambda n: f"person{n}@school.example")
    staff_group = StaffGroup.TEACHING
    job_title = "Teacher"
    start_date = datetime.date(2020, 9, 1)
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))

    @factory.post_generation
    def schools(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.schools.set(extracted)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    organisation = factory.SubFactory(TrustFactory)
    name = "Trust Board"
    slug = factory.Sequence(lambda n: f"committee-{n}")


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    organisation = factory.SubFactory(TrustFactory)
    title = factory.Sequence(lambda n: f"Policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    category = Category.IT
    review_cycle_months = 24


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    label = "1.0"
    status = PolicyVersion.Status.APPROVED
    body = "## 1. Introduction\n\n1.1 This policy explains what staff must do.\n"
    reason = "New policy"
    author = "Head of IT"
    approved_on = datetime.date(2024, 9, 1)
    effective_on = datetime.date(2024, 9, 1)
    next_review_on = datetime.date(2026, 9, 1)


def published_policy(**kwargs) -> Policy:
    """A policy with one published version, as staff see it."""
    from policies.services import publish_version

    body = kwargs.pop("body", VersionFactory.body)
    next_review_on = kwargs.pop("next_review_on", datetime.date(2027, 9, 1))
    policy = PolicyFactory(**kwargs)
    version = VersionFactory(policy=policy, body=body, next_review_on=next_review_on)
    publish_version(version, on=version.effective_on)
    policy.refresh_from_db()
    return policy


def sign_off_rule(policy: Policy, groups=("teaching", "support", "leadership"), **days):
    """A sign-off rule on the policy, and the obligations it creates."""
    from acknowledgements.models import SignOffRule
    from acknowledgements.services import sync_obligations

    rule = SignOffRule.objects.create(policy=policy, staff_groups=list(groups), **days)
    sync_obligations(policy=policy)
    return rule


def view(person: Person, version: PolicyVersion, **kwargs):
    """The person opens the version's text, as the sign page records it
    (signing in the browser needs it first)."""
    from acknowledgements.viewings import record_viewing

    return record_viewing(person=person, version=version, ip_address=kwargs.pop("ip_address", None),
                          user_agent=kwargs.pop("user_agent", "test browser"), **kwargs)


def view_and_sign(*, person: Person, version: PolicyVersion, **kwargs):
    """A browser sign-off as the sign page makes it: the text opened first
    (and its check of understanding, if any, answered rightly), then
    acknowledgements.services.record_sign_off."""
    from acknowledgements import quiz
    from acknowledgements.services import record_sign_off

    if kwargs.get("method", "browser") == "browser":
        view(person, version)
        if quiz.has_check(version) and version.status == PolicyVersion.Status.PUBLISHED:
            quiz.record_attempt(person=person, version=version, answers=[q.answer for q in quiz.questions(version)])
    return record_sign_off(person=person, version=version, **kwargs)
