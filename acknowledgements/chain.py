"""The sealed evidence chain (issue 19): every sign-off, viewing and exemption
carries the hash of the one before it in its trust's chain, so removing or
editing a row, or a link, even with the append-only triggers disabled, breaks
every check after it. docs/evidence-chain.md says it in words.

- Which chain: `chain_for(person)`: "trust-<id>" for the trust of the person's
  school (the lowest-numbered of their organisations), "no-trust" for nobody's.
- What is sealed: the fields in SEALED below, as canonical JSON (sorted keys,
  ISO times in UTC, ids as ints). The address and browser a record came from
  (ip_address, user_agent) are NOT sealed: retention erases them for an
  anonymised leaver (SignOffQuerySet.erase_personal_details), which must not
  break the chain. Neither is how the session began (not evidence of the act).
- The hash: record_hash = sha256(previous_hash + kind + canonical json); the
  first link's previous hash is GENESIS (64 zeros).

Locking: `seal` runs in the caller's transaction. It makes the chain's
ChainHead row if it is missing (get_or_create inside a savepoint: two first
writers at once insert the same primary key, the second waits for the first
to commit and then reads its row), then locks it (SELECT ... FOR UPDATE) until
the caller commits, writes the link at position + 1 and moves the head. The
lock serialises the writers of one chain, so two schools' staff signing at
once never extend the same link; other trusts' chains are not held. Because
the lock lasts until commit, sealing is the last write of a transaction where
it can be: inside `sealing_last()` a record's save() only remembers it and the
block seals everything it remembered as it ends (acknowledgements.services
signs this way, so the obligation and the kept counts are written before the
head is locked). On PostgreSQL a chain's one new record (a sign-off, a
viewing) is sealed in one statement (`_seal_alone`): its chain, lock, link and head
move together, and the database computes the same SHA-256.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from acknowledgements.models import ChainHead, EvidenceLink, Exemption, SignOff, Viewing
from people.models import Organisation, Person

GENESIS = "0" * 64
NO_TRUST = "no-trust"

SIGN_OFF, VIEWING, EXEMPTION = EvidenceLink.Kind.SIGN_OFF.value, EvidenceLink.Kind.VIEWING.value, \
    EvidenceLink.Kind.EXEMPTION.value

# The sealed fields per kind. Never ip_address / user_agent: retention may erase them.
SEALED: dict[str, tuple[str, ...]] = {
    SIGN_OFF: ("id", "person_id", "version_id", "content_hash", "statement", "period", "signed_at", "signed_on",
               "method", "recorded_by_id", "note", "viewed_at", "quiz_attempts", "quiz_answers"),
    VIEWING: ("id", "person_id", "version_id", "period", "content_hash", "viewed_at"),
    EXEMPTION: ("id", "obligation_id", "person_id", "version_id", "period", "reason", "exempted_by_id",
                "exempted_at"),
}
# Sealed only when set (not null, not empty): a school's adopted copy and an
# audience's variant (issue 20). A record without them hashes exactly as it
# did before they existed, so every link sealed earlier still verifies.
OPTIONAL: dict[str, tuple[str, ...]] = {
    SIGN_OFF: ("adoption_id", "local_hash", "variant_id"),
    VIEWING: ("variant_id",),
    EXEMPTION: (),
}
FIELDS = {kind: SEALED[kind] + OPTIONAL[kind] for kind in SEALED}  # what is read of a record to seal it
MODELS = {SIGN_OFF: SignOff, VIEWING: Viewing, EXEMPTION: Exemption}
KIND_OF = {model: kind for kind, model in MODELS.items()}
WORDS = {SIGN_OFF: "sign-off", VIEWING: "viewing", EXEMPTION: "exemption"}
# The time a record happened, for sealing existing records in order (migration 0013).
TIME_FIELD = {SIGN_OFF: "signed_at", VIEWING: "viewed_at", EXEMPTION: "exempted_at"}


# --------------------------------------------------------------------------- which chain


def chain_name(organisation_id: int | None, kind: str | None, trust_id: int | None) -> str:
    if organisation_id is None:
        return NO_TRUST
    return f"trust-{organisation_id if kind == Organisation.Kind.TRUST else trust_id or organisation_id}"


def chains_for_people(person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's chain, in one query: their lowest-numbered organisation's trust."""
    ids = set(person_ids)
    found: dict[int, str] = {}
    rows = (Person.schools.through.objects.filter(person_id__in=ids)
            .values_list("person_id", "organisation_id", "organisation__kind", "organisation__trust_id")
            .order_by("person_id", "organisation_id"))
    for person_id, organisation_id, kind, trust_id in rows:
        found.setdefault(person_id, chain_name(organisation_id, kind, trust_id))
    return {pk: found.get(pk, NO_TRUST) for pk in ids}


def chain_for(person: Person | int) -> str:
    """The chain a record of this person's joins: "trust-<id>" or "no-trust"."""
    pk = person if isinstance(person, int) else person.pk
    return chains_for_people([pk])[pk]


# --------------------------------------------------------------------------- the hash


def _utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:  # as Django stores a naive time: in the default time zone
        value = timezone.make_aware(value)
    return value.astimezone(datetime.UTC).isoformat()


def _plain(value):
    if isinstance(value, datetime.datetime):
        return _utc(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


_TIMES = {kind: tuple(n for n, name in enumerate(names) if name.endswith("_at")) for kind, names in SEALED.items()}
_DAYS = {kind: tuple(n for n, name in enumerate(names) if name.endswith("_on")) for kind, names in SEALED.items()}
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(kind: str, values: Iterable) -> bytes:
    """The sealed fields (in FIELDS' order: SEALED's, then the OPTIONAL ones,
    which may be left off) as canonical JSON bytes: sorted keys, no spaces,
    times in UTC (ISO 8601), dates ISO, ids as ints; an optional field only
    when it is set."""
    values = list(values)
    names = FIELDS[kind][:len(values)]
    for n in _TIMES[kind]:
        value = values[n]
        if value is not None and not isinstance(value, str):  # text: already canonical (the SQL walk)
            values[n] = _utc(value) if isinstance(value, datetime.datetime) else _plain(value)
    for n in _DAYS[kind]:
        value = values[n]
        if value is not None and not isinstance(value, str):
            values[n] = value.isoformat()
    required = len(SEALED[kind])
    sealed = dict(zip(names[:required], values[:required], strict=True))
    sealed.update((name, value) for name, value in zip(names[required:], values[required:], strict=True)
                  if value not in (None, ""))
    return _encode(sealed).encode()


def record_hash(previous_hash: str, kind: str, values: Iterable) -> str:
    return hashlib.sha256(previous_hash.encode() + kind.encode() + canonical(kind, values)).hexdigest()


def sealed_values(record) -> tuple:
    return tuple(getattr(record, name) for name in FIELDS[KIND_OF[type(record)]])


# --------------------------------------------------------------------------- sealing

_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("evidence_pending", default=None)


@contextlib.contextmanager
def sealing_last() -> Iterator[None]:
    """Inside this block a new record's save() does not seal it; the block
    seals every record saved in it as it ends, in one lock of the chain's
    head. Use it inside the transaction.atomic() that writes the records
    (`with transaction.atomic(), chain.sealing_last():`), so the head is
    locked only between the last write and the commit. On an exception
    nothing is sealed, and the caller's transaction rolls the records back."""
    outer = _pending.get()
    if outer is not None:  # nested: the outer block seals
        yield
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        seal_many(pending)


def seal_or_defer(record) -> None:
    """Called by the evidence models' save() after an insert."""
    pending = _pending.get()
    if pending is None:
        seal(record)
    else:
        pending.append(record)


def _locked_head(chain: str) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            ChainHead.objects.get_or_create(chain=chain, defaults={"last_hash": GENESIS})
    except IntegrityError:  # another first writer made it meanwhile
        pass
    return ChainHead.objects.select_for_update().get(chain=chain)


def seal(record) -> EvidenceLink:
    """Seal one saved record into its person's chain, in the caller's transaction."""
    return seal_many([record])[0]


def seal_many(records: list) -> list[EvidenceLink]:
    """Seal saved records, in the order given, into their people's chains:
    one lock per chain, the hashes computed in Python, the links written in
    bulk. Returns the links in the records' order."""
    if not records:
        return []
    if len(records) == 1 and connection.vendor == "postgresql":  # a sign-off, a viewing: one round trip
        link = _seal_alone(None, records[0], timezone.now())  # one statement: atomic on its own
        if link is not None:
            return [link]
    chains = chains_for_people(r.person_id for r in records)
    by_chain: dict[str, list[int]] = {}
    for n, record in enumerate(records):
        by_chain.setdefault(chains[record.person_id], []).append(n)
    links: list[EvidenceLink | None] = [None] * len(records)
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        for chain in sorted(by_chain):  # always the same order: two bulk sealers never deadlock
            if len(by_chain[chain]) == 1 and connection.vendor == "postgresql":
                n = by_chain[chain][0]
                links[n] = _seal_alone(chain, records[n], now)
                if links[n] is not None:
                    continue
            head = _locked_head(chain)
            position, previous = head.position, head.last_hash
            made = []
            for n in by_chain[chain]:
                record = records[n]
                kind = KIND_OF[type(record)]
                position += 1
                digest = record_hash(previous, kind, sealed_values(record))
                links[n] = EvidenceLink(chain=chain, position=position, kind=kind, record_id=record.pk,
                                        previous_hash=previous, record_hash=digest, sealed_at=now)
                made.append(links[n])
                previous = digest
            EvidenceLink.objects.bulk_create(made, batch_size=5000)
            ChainHead.objects.filter(chain=chain).update(position=position, last_hash=previous)
    return links


# One record (a sign-off, a viewing): find its chain, lock the head, write
# the link and move the head in one statement, the hash computed by
# PostgreSQL from the same bytes record_hash() hashes (sha256 of previous
# hash, kind and canonical JSON). The head is then held for this statement
# and the commit alone, not for three round trips and the Python between
# them. The chain is chain_name() of the person's lowest-numbered
# organisation, unless the caller names it.
_CHAIN_OF_PERSON = f"""
SELECT COALESCE((
    SELECT 'trust-' || CASE WHEN o.kind = %(trust_kind)s THEN o.id ELSE COALESCE(o.trust_id, o.id) END
    FROM {Person.schools.through._meta.db_table} s JOIN {Organisation._meta.db_table} o ON o.id = s.organisation_id
    WHERE s.person_id = %(person)s ORDER BY s.organisation_id LIMIT 1
), %(no_trust)s) AS name
"""  # noqa: S608  (table names are ours; values are parameters)
_SEAL_ALONE = f"""
WITH chain AS MATERIALIZED ({{chain}}), head AS (
    SELECT h.chain, h.position, h.last_hash FROM {ChainHead._meta.db_table} h JOIN chain ON h.chain = chain.name
    FOR UPDATE OF h
), link AS (
    INSERT INTO {EvidenceLink._meta.db_table} (chain, position, kind, record_id, previous_hash, record_hash, sealed_at)
    SELECT chain, position + 1, %(kind)s, %(record)s, last_hash,
           encode(sha256(convert_to(last_hash || %(kind)s, 'UTF8') || %(sealed)s), 'hex'), %(now)s
    FROM head
    RETURNING id, chain, position, previous_hash, record_hash
)
UPDATE {ChainHead._meta.db_table} SET position = link.position, last_hash = link.record_hash
FROM link WHERE {ChainHead._meta.db_table}.chain = link.chain
RETURNING link.id, link.chain, link.position, link.previous_hash, link.record_hash
"""  # noqa: S608  (table names are ours; values are parameters)
_SEAL_IN_CHAIN = _SEAL_ALONE.format(chain="SELECT %(chain)s::varchar AS name")
_SEAL_OF_PERSON = _SEAL_ALONE.format(chain=_CHAIN_OF_PERSON)


def _seal_alone(chain: str | None, record, now: datetime.datetime) -> EvidenceLink | None:
    """Seal one record in one statement (PostgreSQL), in the chain named or
    else its person's; None when the chain has no head yet (its first link
    goes the long way, which makes one)."""
    kind = KIND_OF[type(record)]
    params = {"kind": kind, "record": record.pk, "now": now, "sealed": canonical(kind, sealed_values(record))}
    if chain is None:
        sql = _SEAL_OF_PERSON
        params.update(person=record.person_id, trust_kind=Organisation.Kind.TRUST.value, no_trust=NO_TRUST)
    else:
        sql, params["chain"] = _SEAL_IN_CHAIN, chain
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, chain, position, previous, digest = row
    return EvidenceLink(pk=pk, chain=chain, position=position, kind=kind, record_id=record.pk,
                        previous_hash=previous, record_hash=digest, sealed_at=now)
