"""Read-only questions about schools' adoptions."""

from __future__ import annotations

from dataclasses import dataclass

from adoptions.models import Adoption
from people.models import Organisation
from policies.models import Policy


@dataclass(frozen=True)
class AdoptionCell:
    """Where one school stands with one trust policy."""

    school: Organisation
    policy: Policy
    in_force: Adoption | None
    open: Adoption | None

    @property
    def words(self) -> str:
        if self.open is not None and self.open.status == Adoption.Status.AWAITING:
            return "Awaiting the local committee"
        if self.in_force is not None and self.in_force.status == Adoption.Status.TO_READOPT:
            return "To re-adopt"
        if self.open is not None:
            return "Being prepared"
        if self.in_force is not None:
            adopted = self.in_force.adopted_on
            carried = " (carried forward)" if self.in_force.carried_forward_on else ""
            return f"Adopted on {adopted.day} {adopted:%B %Y}{carried}"
        return "Not adopted"

    @property
    def may_start(self) -> bool:
        return self.open is None and (self.in_force is None or self.in_force.carried_forward_on is not None
                                      or self.in_force.version_id != self.policy.current_version_id)


@dataclass(frozen=True)
class SchoolAdoptions:
    school: Organisation
    cells: list[AdoptionCell]


def adoptions_overview(schools: list[Organisation]) -> list[SchoolAdoptions]:
    """The trust's published policies × these schools, each with its
    adoption in force and the one being prepared: three queries, however many
    schools and policies."""
    trusts = {school.trust_id for school in schools}
    policies = list(Policy.objects.filter(organisation__in=trusts, current_version__isnull=False)
                    .select_related("current_version").defer("current_version__body").order_by("title"))
    found: dict[tuple[int, int], dict[str, Adoption]] = {}
    adoptions = (Adoption.objects.filter(school__in=[s.pk for s in schools],
                                         status__in=Adoption.OPEN_STATUSES | Adoption.IN_FORCE_STATUSES)
                 .select_related("version").defer("version__body"))
    for adoption in adoptions:
        slot = "open" if adoption.status in Adoption.OPEN_STATUSES else "in_force"
        found.setdefault((adoption.school_id, adoption.policy_id), {})[slot] = adoption
    return [SchoolAdoptions(school, [
        AdoptionCell(school, policy, **{"in_force": None, "open": None,
                                        **found.get((school.pk, policy.pk), {})})
        for policy in policies if policy.organisation_id == school.trust_id])
        for school in schools]
