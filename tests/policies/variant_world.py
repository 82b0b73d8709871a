"""A safeguarding policy with an annex for volunteers and contractors, for
the variant tests (tests/policies/test_variant_*.py and the browser journey)."""

from __future__ import annotations

import datetime

from acknowledgements.models import SignOffRule
from acknowledgements.services import sync_obligations
from people.models import Organisation
from policies.models import Policy, PolicyVersion, VersionVariant
from policies.services import publish_version
from tests.factories import PolicyFactory, VersionFactory

FULL_TEXT = ("## 1. Purpose\n\n1.1 Every adult in school keeps children safe.\n\n"
             "## 2. Reporting a concern\n\n2.1 Tell the designated safeguarding lead the same day, in writing.\n")
ANNEX_TITLE = "Annex A: for volunteers and contractors"
ANNEX_TEXT = ("## 1. What we ask of you\n\n1.1 Wear your visitor badge at all times.\n\n"
              "## 2. If you are worried\n\n2.1 Tell the designated safeguarding lead before you leave.\n")


def approved_with_variants(policy: Policy, *, label: str = "1.0", body: str = FULL_TEXT,
                           variants: dict[str, tuple[str, str]] | None = None, publish: bool = True
                           ) -> PolicyVersion:
    """A version written as a draft with its variants, then approved (and
    published), as the drafting pages and the committee would."""
    variants = {"annex-a": (ANNEX_TITLE, ANNEX_TEXT)} if variants is None else variants
    version = VersionFactory(policy=policy, label=label, body=body, status=PolicyVersion.Status.DRAFT,
                             approved_on=None)
    for key, (title, text) in variants.items():
        VersionVariant.objects.create(version=version, key=key, title=title, body=text)
    version.status, version.approved_on = PolicyVersion.Status.APPROVED, datetime.date(2024, 9, 1)
    version.save()
    if publish:
        publish_version(version, on=version.effective_on)
        policy.refresh_from_db()
    return version


def safeguarding_with_annex(organisation: Organisation, *, mapping: dict[str, str] | None = None,
                            groups=("teaching", "support", "volunteer", "contractor"), **policy_fields) -> Policy:
    """Published, with a rule: volunteers and contractors owe Annex A, everyone else the full text."""
    policy = PolicyFactory(title=policy_fields.pop("title", "Safeguarding Policy"), organisation=organisation,
                           **policy_fields)
    approved_with_variants(policy)
    SignOffRule.objects.create(
        policy=policy, staff_groups=list(groups),
        variant_groups={"volunteer": "annex-a", "contractor": "annex-a"} if mapping is None else mapping,
    )
    sync_obligations(policy=policy)
    return policy
