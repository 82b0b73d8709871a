"""The trust's usual sign-off rule: what an imported policy is given unless
the person importing it says otherwise, so an imported library starts
collecting sign-offs the day it arrives."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from acknowledgements.models import SignOffRule
from acknowledgements.services import set_sign_off_rule
from people.models import Organisation, StaffGroup
from policies.models import Policy

# With no rule to learn from: everyone employed or governing signs; people who
# are not the trust's own staff (contractors, agency staff, volunteers) are
# asked for by name in a policy's own rule, not by default. 14 and 30 days are
# the model's own defaults.
NOT_BY_DEFAULT = {StaffGroup.CONTRACTOR, StaffGroup.AGENCY, StaffGroup.VOLUNTEER}
DEFAULT_NEW_STARTER_DAYS = 14
DEFAULT_NEW_VERSION_DAYS = 30


@dataclass(frozen=True)
class UsualRule:
    """Who signs and within how many days; no staff groups means nobody signs."""

    staff_groups: tuple[str, ...]
    new_starter_days: int = DEFAULT_NEW_STARTER_DAYS
    new_version_days: int = DEFAULT_NEW_VERSION_DAYS

    @property
    def nobody(self) -> bool:
        return not self.staff_groups


DEFAULT_RULE = UsualRule(staff_groups=tuple(g.value for g in StaffGroup if g not in NOT_BY_DEFAULT))


def usual_sign_off_rule(organisation: Organisation, category: str) -> UsualRule:
    """The most common rule among the policies of the organisation and its
    trust in the category; else among all their policies; else DEFAULT_RULE.
    Among equally common rules, the one that appeared last wins. One query."""
    owners = {organisation.pk, organisation.trust_id or organisation.pk}
    rows = SignOffRule.objects.filter(policy__organisation__in=owners).order_by("pk").values_list(
        "policy__category", "staff_groups", "new_starter_days", "new_version_days")
    in_category: Counter[UsualRule] = Counter()
    anywhere: Counter[UsualRule] = Counter()
    for row_category, groups, new_starter_days, new_version_days in rows:
        rule = UsualRule(tuple(sorted(groups or [])), new_starter_days, new_version_days)
        anywhere[rule] += 1
        if row_category == category:
            in_category[rule] += 1
    for counts in (in_category, anywhere):
        if counts:
            return _most_common(counts)
    return DEFAULT_RULE


def _most_common(counts: Counter[UsualRule]) -> UsualRule:
    # A Counter keeps the order rules first appeared in (oldest policies first).
    best = max(counts.values())
    return [rule for rule, n in counts.items() if n == best][-1]


def set_rule_unless_set(policy: Policy, rule: UsualRule | None = None, **days) -> bool:
    """Give the policy the rule (the usual one when None) unless it already
    has one: a rule someone set on the policy is theirs to change, not an
    import's. Returns whether a rule was set; obligations follow on commit."""
    if SignOffRule.objects.filter(policy=policy).exists():
        return False
    rule = rule or usual_sign_off_rule(policy.organisation, policy.category)
    set_sign_off_rule(policy, staff_groups=list(rule.staff_groups), new_starter_days=rule.new_starter_days,
                      new_version_days=rule.new_version_days, **days)
    return True
