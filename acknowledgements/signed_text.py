"""What exactly a person reads and signs for a version: the full text, or the
variant their staff group owes; as the trust wrote it, or as their school
adopted it with its local parts. The sign page shows it; the viewing and the
sign-off pin it; receipts, PDFs and reports name it."""

from __future__ import annotations

from dataclasses import dataclass

from acknowledgements.models import Obligation, SignOffRule
from adoptions.copies import adoption_in_force
from adoptions.models import Adoption
from people.models import Person
from policies.models import PolicyVersion, VersionVariant


@dataclass(frozen=True)
class TextToSign:
    version: PolicyVersion
    body: str  # the trust's words the person reads: the version's body or the variant's
    content_hash: str  # the SHA-256 of those words, as the version or the variant keeps it
    variant: VersionVariant | None = None
    adoption: Adoption | None = None  # the school's adoption in force, whose local parts join the text
    local_hash: str = ""  # the adoption's local parts, as it keeps them

    @property
    def pins(self) -> dict:
        """The fields a sign-off keeps of what was signed."""
        return {"content_hash": self.content_hash, "variant": self.variant, "adoption": self.adoption,
                "local_hash": self.local_hash}


def full_text(version: PolicyVersion) -> TextToSign:
    """The version's full text as the trust wrote it: what the library's page shows."""
    return TextToSign(version=version, body=version.body, content_hash=version.content_hash)


def text_to_sign(person: Person, version: PolicyVersion, *, obligation: Obligation | None = None) -> TextToSign:
    """What `person` signs for `version`. `obligation` is their outstanding
    obligation for it when the caller has it already (saves a query)."""
    if obligation is None:
        obligation = Obligation.objects.owed(person, version).select_related("variant").first()
    if obligation is not None:
        variant = obligation.variant if obligation.variant_id else None
    else:  # signing by the rule with nothing outstanding: the rule's mapping says which text
        variant = variant_owed(person, version)
    adoption = adoption_in_force(person, version)
    return TextToSign(
        version=version,
        body=variant.body if variant else version.body,
        content_hash=variant.content_hash if variant else version.content_hash,
        variant=variant,
        adoption=adoption,
        local_hash=adoption.local_hash if adoption else "",
    )


def variant_ids_by_group(rule: SignOffRule, version: PolicyVersion) -> dict[str, int]:
    """Staff group -> the id of the version's variant the rule maps it to.
    A group the rule does not map, or mapped to a key this version lacks,
    owes the full text (it is absent here). One query."""
    mapping = rule.variant_groups or {}
    if not mapping:
        return {}
    ids = dict(version.variants.filter(key__in=set(mapping.values())).values_list("key", "pk"))
    return {group: ids[key] for group, key in mapping.items() if key in ids}


def variant_owed(person: Person, version: PolicyVersion) -> VersionVariant | None:
    """The variant the policy's rule maps the person's staff group to, in
    this version; None for the full text."""
    rule = SignOffRule.objects.filter(policy_id=version.policy_id).first()
    key = (rule.variant_groups or {}).get(person.staff_group) if rule is not None else None
    return version.variants.filter(key=key).first() if key else None
