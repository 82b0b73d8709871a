"""A person's sign-offs as certificates: each one's evidence said in plain
words, for the last pages of their sign-off record (documents.rendering
.record_pdf) and whoever reads it (HR, a tribunal, an inspector).

certificates_for(person) reads everything in a fixed number of queries (the
sign-offs, their places in the evidence chain, the trusts those chains
belong to, the last check of the chain), however many sign-offs there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import dateformat

from acknowledgements.models import EvidenceCheck, EvidenceLink, SignOff
from acknowledgements.selectors import sign_offs_of
from acknowledgements.viewings import opened_and_signed
from people.models import Organisation, Person

UK = ZoneInfo("Europe/London")

OPENED_ON_PAPER = "on paper (signed by hand on a paper form; there was no opening in the portal to record)"
OPENED_NOT_RECORDED = "not recorded (signed before opening was recorded)"
NO_STAFF_ID = "none recorded"
ADDRESS_ERASED = "erased under the retention policy"
ADDRESS_ON_PAPER = "none (a paper form, recorded by HR)"
NOT_RECORDED = "not recorded"
QUIZ_NONE = "none asked"
NOT_IN_CHAIN = "not yet sealed in an evidence chain"
CHAIN_NEVER_CHECKED = "the chain has not been checked yet"


@dataclass(frozen=True)
class Certificate:
    """One sign-off's evidence, every line already in words."""

    sign_off_id: int
    name: str
    staff_id: str
    policy: str
    version: str
    content_hash: str
    statement: str
    period: str
    opened: str
    signed_utc: str
    signed_uk: str
    signed_on_paper: str
    method: str
    ip_address: str
    browser: str
    understanding: str
    chain: str
    chain_check: str
    opened_then_signed: str
    variant: str = ""  # the title of the variant for audiences signed; empty: the full text


def certificates_for(person: Person) -> list[Certificate]:
    """A certificate per sign-off the person made, the newest first."""
    sign_offs = list(sign_offs_of(person))
    links = {
        link.record_id: link
        for link in EvidenceLink.objects.filter(
            kind=EvidenceLink.Kind.SIGN_OFF, record_id__in=SignOff.objects.filter(person=person).values("pk")
        ).only("chain", "position", "record_id", "sealed_at")
    }
    trusts = _trust_names({link.chain for link in links.values()})
    check = EvidenceCheck.objects.order_by("-checked_at", "-pk").first()
    return [_certificate(person, s, links.get(s.pk), trusts, check) for s in sign_offs]


def chain_position_words(*, position: int, trust_name: str) -> str:
    return f"record {position:,} of the evidence chain of {trust_name}"


def chain_check_words(*, check: EvidenceCheck | None, sealed_at: datetime.datetime | None) -> str:
    if check is None:
        return CHAIN_NEVER_CHECKED
    when = _uk_long(check.checked_at)
    if not check.intact:
        return f"the last check of the chain, on {when}, found a break: {check.first_broken or 'not named'}"
    if sealed_at is not None and sealed_at > check.checked_at:
        return f"the chain was last verified intact on {when}, before this sign-off was added to it"
    return f"the chain was last verified intact on {when}"


def _certificate(person, sign_off: SignOff, link, trusts: dict[str, str], check) -> Certificate:
    on_paper = sign_off.method == SignOff.Method.RECORDED_BY_HR
    version = sign_off.version
    method = sign_off.get_method_display()
    if sign_off.recorded_by_id:
        method += f", by {sign_off.recorded_by}"
    if sign_off.session_began_with:
        method += f"; the session began with: {sign_off.get_session_began_with_display().lower()}"
    if sign_off.viewed_at is not None:
        opened = _uk_long(sign_off.viewed_at, seconds=True)
    else:
        opened = OPENED_ON_PAPER if on_paper else OPENED_NOT_RECORDED
    if sign_off.ip_address or sign_off.user_agent:
        ip_address, browser = sign_off.ip_address or NOT_RECORDED, sign_off.user_agent or NOT_RECORDED
    elif person.anonymised_on is not None:
        ip_address = browser = ADDRESS_ERASED
    elif on_paper:
        ip_address = browser = ADDRESS_ON_PAPER
    else:
        ip_address = browser = NOT_RECORDED
    if link is None:
        chain, chain_check = NOT_IN_CHAIN, ""
    else:
        chain = chain_position_words(position=link.position, trust_name=trusts.get(link.chain, link.chain))
        chain_check = chain_check_words(check=check, sealed_at=link.sealed_at)
    return Certificate(
        sign_off_id=sign_off.pk,
        name=person.full_name,
        staff_id=person.staff_id or NO_STAFF_ID,
        policy=version.policy.title,
        version=version.label,
        content_hash=sign_off.content_hash,
        statement=sign_off.statement,
        period=sign_off.period,
        opened=opened,
        signed_utc=_utc(sign_off.signed_at),
        signed_uk=_uk_long(sign_off.signed_at, seconds=True),
        signed_on_paper=dateformat.format(sign_off.signed_on, "j F Y") if on_paper else "",
        method=method,
        ip_address=ip_address,
        browser=browser,
        understanding=understanding_words(sign_off.quiz_attempts, sign_off.quiz_answers),
        chain=chain,
        chain_check=chain_check,
        opened_then_signed=opened_and_signed(sign_off),  # as the receipt and the person's page say it
        variant=sign_off.variant.title if sign_off.variant_id else "",
    )


def understanding_words(attempts: int | None, answers) -> str:
    if not attempts:
        return QUIZ_NONE
    questions = len(answers) if isinstance(answers, list) else 0
    about = f" ({questions} question{'s' if questions != 1 else ''})" if questions else ""
    if attempts == 1:
        return f"passed on the first attempt{about}"
    return f"passed on attempt {attempts}{about}"


def _trust_names(chains: set[str]) -> dict[str, str]:
    """A chain is named "trust-<id>" after its trust (acknowledgements.chain)."""
    ids = {chain: int(chain.removeprefix("trust-")) for chain in chains
           if chain.startswith("trust-") and chain.removeprefix("trust-").isdigit()}
    names = dict(Organisation.objects.filter(pk__in=set(ids.values())).values_list("pk", "name")) if ids else {}
    return {chain: names[pk] for chain, pk in ids.items() if pk in names}


def _utc(moment: datetime.datetime) -> str:
    return dateformat.format(moment.astimezone(datetime.UTC), "Y-m-d H:i:s") + " UTC"


def _uk_long(moment: datetime.datetime, *, seconds: bool = False) -> str:
    local = moment.astimezone(UK)
    clock = "H:i:s" if seconds else "H:i"
    return f"{dateformat.format(local, clock)} on {dateformat.format(local, 'l j F Y')}, UK time ({local.tzname()})"
