"""Seal the evidence recorded before the chain existed (issue 19), so an
upgraded database verifies intact: every sign-off, viewing and exemption not
yet linked joins its person's trust's chain in the order it happened
(signed_at / viewed_at / exempted_at, then id). The hashes are computed in
Python (acknowledgements.chain, the same rules verify_evidence checks), the
links written in batches: COPY on PostgreSQL, bulk_create elsewhere."""

import heapq

from django.db import migrations
from django.utils import timezone

BATCH = 5000
KINDS = ("sign_off", "viewing", "exemption")
MODEL = {"sign_off": "SignOff", "viewing": "Viewing", "exemption": "Exemption"}
COLUMNS = ("chain", "position", "kind", "record_id", "previous_hash", "record_hash", "sealed_at")


def seal_existing(apps, schema_editor):
    from acknowledgements import chain as rules  # the hashing rules; this migration only reads models through apps

    Link = apps.get_model("acknowledgements", "EvidenceLink")
    Head = apps.get_model("acknowledgements", "ChainHead")
    Person = apps.get_model("people", "Person")
    connection = schema_editor.connection
    linked = set(Link.objects.values_list("kind", "record_id")) if Link.objects.exists() else set()
    heads = {h.chain: [h.position, h.last_hash] for h in Head.objects.all()}
    chains: dict[int, str] = {}
    rows = (Person.schools.through.objects.order_by("person_id", "organisation_id")
            .values_list("person_id", "organisation_id", "organisation__kind", "organisation__trust_id"))
    for person_id, organisation_id, kind, trust_id in rows.iterator(chunk_size=20000):
        chains.setdefault(person_id, rules.chain_name(organisation_id, kind, trust_id))

    def stream(kind):
        model = apps.get_model("acknowledgements", MODEL[kind])
        time_field = rules.TIME_FIELD[kind]
        records = model.objects.order_by(time_field, "id").values_list(time_field, *rules.SEALED[kind])
        for when, *values in records.iterator(chunk_size=BATCH):
            yield when, kind, values

    now = timezone.now()
    batch: list[tuple] = []
    for _, kind, values in heapq.merge(*(stream(k) for k in KINDS), key=lambda row: (row[0], row[2][0])):
        if (kind, values[0]) in linked:
            continue
        name = chains.get(values[1], rules.NO_TRUST)  # values[1] is person_id for every kind but exemption
        if kind == "exemption":
            name = chains.get(values[2], rules.NO_TRUST)
        head = heads.setdefault(name, [0, rules.GENESIS])
        digest = rules.record_hash(head[1], kind, values)
        batch.append((name, head[0] + 1, kind, values[0], head[1], digest, now))
        head[0], head[1] = head[0] + 1, digest
        if len(batch) >= BATCH:
            _write(connection, Link, batch)
            batch = []
    _write(connection, Link, batch)
    for name, (position, last_hash) in heads.items():
        Head.objects.update_or_create(chain=name, defaults={"position": position, "last_hash": last_hash})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics for verify_evidence's first walk
            cursor.execute("ANALYZE acknowledgements_evidencelink")


def _write(connection, Link, batch):
    if not batch:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY acknowledgements_evidencelink ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
    else:
        Link.objects.bulk_create([Link(**dict(zip(COLUMNS, row, strict=True))) for row in batch], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0012_evidence_triggers"),
        ("people", "0005_person_list_order_idx"),
    ]
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
