"""The invariant, in one place: what everyone owes on a given day, computed
from the rules alone. The obligations table is a cache of this answer that
`services.sync_obligations` keeps up to date incrementally; tests check that
the two agree after every sync."""

from __future__ import annotations

import datetime
from collections import defaultdict

from acknowledgements import rules
from acknowledgements.models import SignOff
from acknowledgements.services import exempted_as_signed, first_published_on, people_covered
from policies.models import Policy


def owed_from_scratch(*, today: datetime.date) -> set[tuple[int, int, str]]:
    """(person id, version id, period) of every obligation that should be
    outstanding on `today`: for each policy with a sign-off rule and a current
    version, everyone the rule covers who has not signed what `rules.owed`
    asks of them. Reads rules, people, versions and sign-offs; never the
    Obligation table."""
    owed: set[tuple[int, int, str]] = set()
    policies = Policy.objects.filter(sign_off_rule__isnull=False, current_version__isnull=False)
    for policy in policies.select_related("sign_off_rule", "current_version", "organisation"):
        rule, current = policy.sign_off_rule, policy.current_version
        major_published_on = first_published_on(current)
        signed = defaultdict(list)
        for person_id, major, on, period in SignOff.objects.filter(version__policy=policy).values_list(
            "person_id", "version__major", "signed_on", "period"
        ):
            signed[person_id].append((major, on, period))
        for person_id, entry in exempted_as_signed(policy=policy):  # HR's exemptions stand until owed again
            signed[person_id].append(entry)
        for person in people_covered(policy, rule, today=today):
            answer = rules.owed(person=person, policy=policy, rule=rule, current=current,
                                major_published_on=major_published_on, signed=signed[person.pk], today=today)
            if answer is not None:
                owed.add((person.pk, answer.version_id, answer.period))
    return owed
