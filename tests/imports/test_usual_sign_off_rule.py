"""The trust's usual sign-off rule, which an imported policy starts with."""

import pytest

from acknowledgements.usual_rules import DEFAULT_RULE, UsualRule, usual_sign_off_rule
from tests.factories import PolicyFactory, SchoolFactory, TrustFactory, sign_off_rule

pytestmark = pytest.mark.django_db


def rule_on(organisation, category, groups, **days):
    return sign_off_rule(PolicyFactory(organisation=organisation, category=category), groups=groups, **days)


def test_the_most_common_rule_of_the_category_is_the_usual_one(world):
    rule_on(world.trust, "it", ["support"], new_starter_days=7)
    rule_on(world.trust, "it", ["support"], new_starter_days=7)
    rule_on(world.trust, "it", ["teaching"])
    rule_on(world.trust, "hr", ["leadership"])
    rule_on(world.trust, "hr", ["leadership"])
    rule_on(world.trust, "hr", ["leadership"])
    assert usual_sign_off_rule(world.trust, "it") == UsualRule(("support",), 7, 30)


def test_with_no_rule_in_the_category_the_most_common_of_any_is_used(world):
    rule_on(world.trust, "hr", ["leadership", "teaching"], new_version_days=21)
    assert usual_sign_off_rule(world.trust, "finance") == UsualRule(("leadership", "teaching"), 14, 21)


def test_with_no_rules_at_all_everyone_but_contractors_agency_and_volunteers_signs(world):
    rule = usual_sign_off_rule(world.trust, "it")
    assert rule == DEFAULT_RULE
    assert set(rule.staff_groups) == {"teaching", "support", "leadership", "governor", "trustee"}
    assert (rule.new_starter_days, rule.new_version_days) == (14, 30)


def test_a_school_learns_from_its_own_and_its_trusts_policies(world):
    rule_on(world.trust, "it", ["support"])
    rule_on(world.north, "it", ["teaching"])
    rule_on(world.north, "it", ["teaching"])
    assert usual_sign_off_rule(world.north, "it").staff_groups == ("teaching",)
    assert usual_sign_off_rule(world.south, "it").staff_groups == ("support",)  # not North's


def test_another_trusts_rules_do_not_count(world):
    other = TrustFactory(name="Other Trust", slug="other")
    rule_on(SchoolFactory(name="Elsewhere", slug="elsewhere", trust=other), "it", ["volunteer"])
    rule_on(other, "it", ["volunteer"])
    assert usual_sign_off_rule(world.trust, "it") == DEFAULT_RULE


def test_when_nobody_usually_signs_the_category_nobody_is_the_usual_rule(world):
    rule_on(world.trust, "governance", [])
    rule_on(world.trust, "governance", [])
    rule_on(world.trust, "it", ["support"])
    assert usual_sign_off_rule(world.trust, "governance").nobody


def test_the_order_of_staff_groups_does_not_make_a_different_rule(world):
    rule_on(world.trust, "it", ["teaching", "support"])
    rule_on(world.trust, "it", ["support", "teaching"])
    rule_on(world.trust, "it", ["leadership"])
    assert usual_sign_off_rule(world.trust, "it").staff_groups == ("support", "teaching")


def test_the_usual_rule_is_one_query_however_many_policies(world, django_assert_num_queries):
    for n in range(20):
        rule_on(world.north if n % 2 else world.trust, "it", ["support"])
    with django_assert_num_queries(1):
        usual_sign_off_rule(world.north, "it")
