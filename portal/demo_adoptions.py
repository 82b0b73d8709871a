"""The demo trust's adoptions (the [[adoptions]] section of
fixtures/demo/trust.toml): a school that adopted the trust's current version
with its own contacts and a replaced section, one whose adoption of an
earlier version waits to be re-adopted since a major version came, one
carried forward to a minor version, and (by having no entry) one that has
adopted nothing.

The local parts go through adoptions.services, so they are normalised and
refused as on the pages; the committee's decision is written as the demo
writes its history (dated in the past), not voted again."""

from __future__ import annotations

import datetime

from adoptions import services
from adoptions.models import Adoption
from people.models import Organisation, Person
from policies.models import Committee, Policy


def load_demo_adoptions(spec: dict, *, today: datetime.date, relative_date) -> int:
    """Safe to run again: a school that has any adoption of the policy is
    left as it is. Returns how many adoptions were added."""
    added = 0
    for row in spec.get("adoptions", []):
        school = Organisation.objects.get(slug=row["school"])
        policy = Policy.objects.select_related("current_version").get(slug=row["policy"])
        if Adoption.objects.filter(school=school, policy=policy).exists():
            continue
        _adopt(school, policy, row, today=today, relative_date=relative_date)
        added += 1
    return added


def _adopt(school: Organisation, policy: Policy, row: dict, *, today: datetime.date, relative_date) -> Adoption:
    version = (policy.current_version if row["version"] == "current"
               else policy.versions.get(label=row["version"]))
    by = Person.objects.get(email=row["by"])
    adoption = Adoption.objects.create(school=school, policy=policy, version=version, created_by=by.user)
    for contact in row.get("contacts", []):
        services.add_contact(adoption, role=contact["role"], name=contact["name"], email=contact.get("email", ""),
                             phone=contact.get("phone", ""))
    for section in row.get("sections", []):
        services.add_local_section(adoption, kind=section["kind"], section=section["section"], body=section["body"])
    adoption.local_hash = services.hash_of(adoption)
    adoption.committee = Committee.objects.get(slug=row["committee"])
    adoption.adopted_on = relative_date(row["adopted_on"], today)
    adoption.status = row.get("status", Adoption.Status.ADOPTED)
    adoption.readopt_since = relative_date(row.get("readopt_since"), today)
    adoption.save()
    if row.get("carried_forward_on"):  # the trust's minor version since, as publishing it would have done
        services.carry_forward(version=policy.current_version, today=relative_date(row["carried_forward_on"], today))
    return adoption
