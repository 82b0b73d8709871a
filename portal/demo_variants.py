"""The demo trust's variants for audiences (the [[audience_variants]] section
of fixtures/demo/trust.toml): a policy gains a minor version whose draft adds
an annex for some staff groups, approved and published as any version is,
and its sign-off rule maps those groups to the annex. Volunteers and
contractors then owe the annex; everyone else the full text."""

from __future__ import annotations

import datetime

from acknowledgements.models import SignOffRule
from acknowledgements.services import sync_obligations
from approvals.services import start_draft
from people.models import Person
from policies.models import Committee, Policy, PolicyVersion
from policies.services import publish_version
from policies.variants import add_variant


def load_demo_variants(spec: dict, *, today: datetime.date, relative_date) -> int:
    """Safe to run again: a policy that already has a version with variants is
    left as it is. Returns how many versions with variants were added."""
    added = 0
    for row in spec.get("audience_variants", []):
        policy = Policy.objects.select_related("current_version").get(slug=row["policy"])
        if not PolicyVersion.objects.filter(policy=policy, variants__isnull=False).exists():
            _publish_with_variants(policy, row, today=today, relative_date=relative_date)
            added += 1
        rule = SignOffRule.objects.get(policy=policy)
        if rule.variant_groups != row["groups"]:
            rule.variant_groups = row["groups"]
            rule.save(update_fields=["variant_groups"])
        sync_obligations(policy=policy, today=today)  # outstanding obligations move to the text now owed
    return added


def _publish_with_variants(policy: Policy, row: dict, *, today: datetime.date, relative_date) -> PolicyVersion:
    current = policy.current_version
    draft = start_draft(policy, by=Person.objects.get(email=row["by"]), is_major=False)
    for variant in row["variants"]:
        add_variant(draft, key=variant["key"], title=variant["title"], body=variant["body"])
    draft.reason = row["reason"]
    draft.status = PolicyVersion.Status.APPROVED
    draft.approved_on = relative_date(row["approved_on"], today)
    draft.committee = Committee.objects.get(slug=row["committee"])
    draft.effective_on = relative_date(row["effective_on"], today)
    draft.next_review_on = current.next_review_on  # an annex added is not a review
    draft.save()
    return publish_version(draft, on=draft.effective_on)
