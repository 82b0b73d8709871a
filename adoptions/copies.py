"""A school's copy of a trust policy: the trust version plus the local parts
its adoption in force adds. (Being built for issue 20.)"""

from __future__ import annotations

from adoptions.models import Adoption
from people.models import Person
from policies.models import PolicyVersion


def adoption_in_force(person: Person, version: PolicyVersion) -> Adoption | None:
    """The adoption of this trust version in force at one of the person's
    schools, if any: what they read and sign is then the school's copy."""
    return None
