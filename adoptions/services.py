"""Preparing a school's adoption of a trust policy: starting it from the
trust's current version (with the local parts of the school's last
adoption), editing its named contacts and local sections, and sending it to
the school's local committee. The decision itself is the approvals
machinery's (approvals.adoption_decisions, told by adoptions.events).

Each public function is one transaction; a step the adoption's state does
not allow is refused with a message a person can act on."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from adoptions import events, notifications
from adoptions.models import Adoption, LocalContact, LocalSection
from people.models import Organisation, User
from policies.models import Committee, Policy, PolicyVersion
from policies.text import normalise_text

NOT_A_TRUST_POLICY = "{policy} is not a policy of {school}'s trust, so the school cannot adopt it."
NO_CURRENT_VERSION = "{policy} has no published version to adopt yet."
ALREADY_OPEN = "{school} is already preparing its adoption of {policy}: carry on with that one."
ALREADY_ADOPTED = "{school} has already adopted version {label} of {policy}."
NOT_BEING_PREPARED = "This adoption is {status}, so its local parts cannot be changed."
UNKNOWN_SECTION = ("'{section}' is not a section of version {label} of the trust's text: choose one of its "
                   "section headings.")
SECTION_TEXT_NEEDED = "Write the local section's text."
CONTACT_NEEDED = "Give the contact's role and name."
NO_SUCH_PART = "That contact or local section is not part of this adoption (it may have been removed): nothing changed."
WRONG_COMMITTEE = "The {committee} is not a committee of {school}: send the adoption to one of the school's own."
NOT_THE_LATEST_VERSION = ("The trust has published version {label} since this adoption was started: start again "
                          "from the current version.")


class AdoptionRefused(Exception):
    """A step the adoption's state does not allow; str() says why."""


# --------------------------------------------------------------------------- the local parts' hash


def _canonical_text(value: str) -> str:
    # As policies.models.content_hash normalises a body: a browser's CRLF or a
    # trailing space is not a different local text.
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()


def local_hash(contacts: list[LocalContact], sections: list[LocalSection]) -> str:
    """The SHA-256 of the local parts in their canonical form: JSON with
    sorted keys and no spacing, contacts and sections in their order, every
    string normalised. Frozen: sign-offs pin it."""
    canonical = {
        "contacts": [{"role": _canonical_text(c.role), "name": _canonical_text(c.name),
                      "email": _canonical_text(c.email), "phone": _canonical_text(c.phone)} for c in contacts],
        "sections": [{"kind": s.kind, "section": _canonical_text(s.section), "body": _canonical_text(s.body)}
                     for s in sections],
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_of(adoption: Adoption) -> str:
    return local_hash(list(adoption.contacts.all()), list(adoption.local_sections.all()))


# --------------------------------------------------------------------------- headings of the trust text


def section_headings(body: str) -> list[str]:
    """The trust text's "## " section headings, as they read."""
    return [line[3:].strip() for line in normalise_text(body).split("\n") if line.startswith("## ")]


# --------------------------------------------------------------------------- starting


def start_adoption(*, school: Organisation, policy: Policy, by: User | None) -> Adoption:
    """A new adoption of the trust's current version, being prepared, with
    the local parts of the school's adoption in force (or its last one)
    copied, so a re-adoption starts from what the school had."""
    with transaction.atomic():
        policy = Policy.objects.select_for_update(of=("self",)).select_related("current_version").get(
            pk=policy.pk)
        if policy.organisation_id != school.trust_id:
            raise AdoptionRefused(NOT_A_TRUST_POLICY.format(policy=policy, school=school))
        version = policy.current_version
        if version is None:
            raise AdoptionRefused(NO_CURRENT_VERSION.format(policy=policy))
        adoptions = Adoption.objects.filter(school=school, policy=policy)
        if adoptions.filter(status__in=Adoption.OPEN_STATUSES).exists():
            raise AdoptionRefused(ALREADY_OPEN.format(school=school, policy=policy))
        in_force = adoptions.filter(status__in=Adoption.IN_FORCE_STATUSES).first()
        if in_force is not None and in_force.version_id == version.pk and in_force.carried_forward_on is None:
            # A carried-forward adoption may be adopted again: the committee's own decision on this version.
            raise AdoptionRefused(ALREADY_ADOPTED.format(school=school, label=version.label, policy=policy))
        source = in_force or adoptions.exclude(status=Adoption.Status.DRAFT).order_by("-created_at").first()
        try:
            with transaction.atomic():
                adoption = Adoption.objects.create(school=school, policy=policy, version=version,
                                                   previous=in_force, created_by=by)
        except IntegrityError as error:  # a second tab started one at the same moment
            raise AdoptionRefused(ALREADY_OPEN.format(school=school, policy=policy)) from error
        if source is not None:
            _copy_local_parts(source, adoption)
        return adoption


def _copy_local_parts(source: Adoption, adoption: Adoption) -> None:
    LocalContact.objects.bulk_create([
        LocalContact(adoption=adoption, role=c.role, name=c.name, email=c.email, phone=c.phone, position=c.position)
        for c in source.contacts.all()])
    LocalSection.objects.bulk_create([
        LocalSection(adoption=adoption, kind=s.kind, section=s.section, body=s.body, position=s.position)
        for s in source.local_sections.all()])


# --------------------------------------------------------------------------- editing the local parts


def _being_prepared(adoption: Adoption) -> Adoption:
    adoption = Adoption.objects.select_for_update().select_related("version").get(pk=adoption.pk)
    if adoption.status != Adoption.Status.DRAFT:
        raise AdoptionRefused(NOT_BEING_PREPARED.format(status=adoption.get_status_display().lower()))
    return adoption


def _contact_values(role: str, name: str, email: str, phone: str) -> dict[str, str]:
    role, name = " ".join(role.split()), " ".join(name.split())
    if not role or not name:
        raise AdoptionRefused(CONTACT_NEEDED)
    return {"role": role, "name": name, "email": email.strip(), "phone": " ".join(phone.split())}


def add_contact(adoption: Adoption, *, role: str, name: str, email: str = "", phone: str = "") -> LocalContact:
    values = _contact_values(role, name, email, phone)
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        return LocalContact.objects.create(adoption=adoption, position=adoption.contacts.count(), **values)


def change_contact(adoption: Adoption, *, contact_id: int, role: str, name: str, email: str = "",
                   phone: str = "") -> LocalContact:
    """Corrects one of this adoption's contacts where it stands in the list."""
    values = _contact_values(role, name, email, phone)
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        contact = adoption.contacts.filter(pk=contact_id).first()
        if contact is None:  # another adoption's, or removed in another tab
            raise AdoptionRefused(NO_SUCH_PART)
        for field, value in values.items():
            setattr(contact, field, value)
        contact.save()
        return contact


def _section_values(adoption: Adoption, kind: str, section: str, body: str) -> dict[str, str]:
    """The text arrives from a browser (CRLF) and is kept in the canonical form;
    the section is named by a heading of the trust version's text."""
    body = normalise_text(body).rstrip("\n")
    if not body:
        raise AdoptionRefused(SECTION_TEXT_NEEDED)
    if kind not in LocalSection.Kind.values:
        raise AdoptionRefused(UNKNOWN_SECTION.format(section=kind, label=""))
    section = " ".join(section.split())
    if section not in section_headings(adoption.version.body):
        raise AdoptionRefused(UNKNOWN_SECTION.format(section=section, label=adoption.version.label))
    return {"kind": kind, "section": section, "body": body}


def add_local_section(adoption: Adoption, *, kind: str, section: str, body: str) -> LocalSection:
    """A local section added after, or replacing, a section of the trust text."""
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        values = _section_values(adoption, kind, section, body)
        return LocalSection.objects.create(adoption=adoption, position=adoption.local_sections.count(), **values)


def change_local_section(adoption: Adoption, *, section_id: int, kind: str, section: str, body: str
                         ) -> LocalSection:
    """Rewrites one of this adoption's local sections where it stands."""
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        values = _section_values(adoption, kind, section, body)
        local = adoption.local_sections.filter(pk=section_id).first()
        if local is None:
            raise AdoptionRefused(NO_SUCH_PART)
        for field, value in values.items():
            setattr(local, field, value)
        local.save()
        return local


def remove_local_part(adoption: Adoption, *, contact_id: int | None = None, section_id: int | None = None) -> None:
    """Removes one of this adoption's contacts or sections (an id of another
    adoption's part changes nothing)."""
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        if contact_id is not None:
            adoption.contacts.filter(pk=contact_id).delete()
        if section_id is not None:
            adoption.local_sections.filter(pk=section_id).delete()


# --------------------------------------------------------------------------- sending to the local committee


def local_committees(school: Organisation):
    return Committee.objects.filter(organisation=school).order_by("name")


def send_to_committee(adoption: Adoption, *, committee: Committee, by: User) -> Adoption:
    """Seals the local parts (their hash) and asks the school's committee to
    decide, through the approvals machinery (adoptions.events.adoption_sent:
    approvals opens the submission and tells the members). From here the
    local parts never change."""
    with transaction.atomic():
        adoption = _being_prepared(adoption)
        if committee.organisation_id != adoption.school_id:
            raise AdoptionRefused(WRONG_COMMITTEE.format(committee=committee, school=adoption.school))
        current = Policy.objects.filter(pk=adoption.policy_id).values_list("current_version_id", flat=True).first()
        if current != adoption.version_id:
            label = adoption.policy.current_version.label if adoption.policy.current_version else ""
            raise AdoptionRefused(NOT_THE_LATEST_VERSION.format(label=label))
        adoption.local_hash = hash_of(adoption)
        adoption.status = Adoption.Status.AWAITING
        adoption.committee = committee
        adoption.save()
        events.adoption_sent.send(sender=Adoption, adoption=adoption, committee=committee, by=by)
        return adoption


# --------------------------------------------------------------------------- a new major trust version


def ask_to_readopt(*, version, today: datetime.date | None = None) -> list[Adoption]:
    """Every adoption in force of an earlier version of the policy becomes
    "to re-adopt" when a major version is published, and each school's
    governance lead is told. Safe to run twice."""
    today = today or timezone.localdate()
    if not version.is_major:
        return []
    return [_to_readopt(adoption, version, today) for adoption in (
        Adoption.objects.select_for_update().filter(policy=version.policy_id, status=Adoption.Status.ADOPTED)
        .exclude(version=version).select_related("school"))]


def _to_readopt(adoption: Adoption, version: PolicyVersion, today: datetime.date) -> Adoption:
    """Marks it and tells the school; the email is queued in the same transaction."""
    adoption.status, adoption.readopt_since = Adoption.Status.TO_READOPT, today
    adoption.save()
    notifications.readoption_asked(adoption, version=version)
    return adoption


# --------------------------------------------------------------------------- a new minor trust version


def carry_forward(*, version: PolicyVersion, today: datetime.date | None = None) -> list[Adoption]:
    """A minor version asks nobody to sign again, and no school to adopt
    again: every adoption in force of an earlier version (one a major version
    has not asked to re-adopt) is carried forward to it, so the school's
    staff keep reading the school's copy, its contacts and local sections.
    Safe to run twice."""
    if version.is_major:
        return []
    today = today or timezone.localdate()
    return [_carry(adoption, version, today) for adoption in (
        Adoption.objects.select_for_update().filter(policy=version.policy_id, status=Adoption.Status.ADOPTED)
        .exclude(version=version).select_related("school"))]


# --------------------------------------------------------------------------- decided after the trust moved on


def bring_up_to_date(adoption: Adoption, *, today: datetime.date) -> Adoption:
    """An adoption decided after the trust published later versions of what
    it adopted gets what publishing gave the adoptions in force at the time:
    after a major version the school is asked to adopt again (from `today`,
    the day its adoption began) and its governance lead is told; after only
    minor ones it is carried forward to the current version. Returns the
    adoption now in force."""
    if adoption.status != Adoption.Status.ADOPTED:
        return adoption
    current = Policy.objects.select_related("current_version").get(pk=adoption.policy_id).current_version
    if current is None or current.pk == adoption.version_id:
        return adoption
    adopted = adoption.version
    later = PolicyVersion.objects.filter(policy=adoption.policy_id, status__in=PolicyVersion.LOCKED_STATUSES).filter(
        models.Q(major__gt=adopted.major) | models.Q(major=adopted.major, minor__gt=adopted.minor))
    if later.filter(is_major=True).exists():
        return _to_readopt(adoption, current, today)
    return _carry(adoption, current, today)


def _carry(adoption: Adoption, version: PolicyVersion, today: datetime.date) -> Adoption:
    adoption.status = Adoption.Status.SUPERSEDED
    adoption.save()  # first: one adoption per school and policy is in force
    carried = Adoption.objects.create(school=adoption.school, policy_id=adoption.policy_id, version=version,
                                      previous=adoption)
    _copy_local_parts(adoption, carried)  # while it is being prepared: adopted parts are sealed
    carried.status, carried.carried_forward_on = Adoption.Status.ADOPTED, today
    carried.committee_id, carried.adopted_on, carried.local_hash = (adoption.committee_id, adoption.adopted_on,
                                                                    adoption.local_hash)
    carried.save()
    return carried
