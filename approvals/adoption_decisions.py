"""A school's local committee adopting a trust version: "a decision like any
other". The adoption (adoptions.services.send_to_committee) opens a
submission here to the school's committee; members vote (or the clerk
records the meeting) on the usual approvals pages; approvals.services._decide
hands the outcome to `decided`.

Loaded by approvals' AppConfig (through approvals.services), which connects
the adoptions app's event and gives it the redline comparison."""

from __future__ import annotations

import datetime

from django.dispatch import receiver

from adoptions import redlines, services
from adoptions.events import adoption_sent
from adoptions.models import Adoption
from approvals import notifications, redline
from approvals.models import Decision, Submission
from people.models import User
from policies.models import Committee

redlines.add_comparer("approvals", redline.compare)


def submit_adoption(adoption: Adoption, *, committee: Committee, by: User) -> Submission:
    """The submission asking the school's committee to adopt: `version` is the
    trust version adopted, `adoption` carries the local parts (sealed by
    their hash when sent). The members are told as for any draft."""
    submission = Submission.objects.create(version=adoption.version, adoption=adoption, committee=committee,
                                           submitted_by=by)
    notifications.draft_awaits_committee(submission)
    return submission


@receiver(adoption_sent, dispatch_uid="approvals.submit_adoption")
def _adoption_sent(sender, adoption: Adoption, committee: Committee, by: User, **kwargs) -> None:
    submit_adoption(adoption, committee=committee, by=by)


def decided(submission: Submission, decision: str, *, on: datetime.date) -> Adoption:
    """Approve: the adoption is in force from `on` (the meeting's date, or the
    day the last vote was given), adopted by the committee, and the school's
    previous adoption of the policy is superseded. Request changes: it is
    being prepared again (its parts may change; they are sealed again when
    sent). Reject: not adopted. When the trust published later versions while
    the committee deliberated, an approved adoption gets what publishing gave
    the adoptions in force then (adoptions.services.bring_up_to_date): carried
    forward after minor ones; after a major one, to re-adopt, and the
    governance lead is told. Returns the adoption now in force, or the one decided."""
    adoption = Adoption.objects.select_for_update().get(pk=submission.adoption_id)
    if decision == Decision.APPROVE:
        # The previous one first: only one adoption per school and policy is in force.
        for previous in Adoption.objects.select_for_update().filter(
                school=adoption.school_id, policy=adoption.policy_id,
                status__in=Adoption.IN_FORCE_STATUSES).exclude(pk=adoption.pk):
            previous.status = Adoption.Status.SUPERSEDED
            previous.save()
        adoption.status, adoption.adopted_on = Adoption.Status.ADOPTED, on
        adoption.committee = submission.committee
    elif decision == Decision.REQUEST_CHANGES:
        adoption.status, adoption.local_hash = Adoption.Status.DRAFT, ""
    else:
        adoption.status = Adoption.Status.REJECTED
    adoption.save()
    if adoption.status == Adoption.Status.ADOPTED:
        adoption = services.bring_up_to_date(adoption, today=on)
    return adoption
