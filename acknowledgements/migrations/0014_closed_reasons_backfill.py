"""Every obligation that ended unsigned before issue 19 gets its negative
receipt: why it closed (Obligation.ClosedReason), inferred as the sync would
have said it, in a few set-based UPDATEs, each taking what the ones before
left empty: the person had left by then (left); a newer major version of the
policy was in effect by then (superseded); the policy has no rule or no
current version (retired); otherwise the rule no longer named them
(not_in_group)."""

from django.db import migrations
from django.db.models import Exists, F, OuterRef, Q

LOCKED = ["approved", "published", "superseded"]


def backfill(apps, schema_editor):
    Obligation = apps.get_model("acknowledgements", "Obligation")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    Policy = apps.get_model("policies", "Policy")
    # The historical manager is a plain one: closed_reason is not counted, so
    # the kept counts need nothing.
    unsaid = Obligation.objects.filter(status="withdrawn", closed_reason="")
    unsaid.filter(person__leave_date__isnull=False, closed_on__isnull=False,
                  person__leave_date__lte=F("closed_on")).update(closed_reason="left")
    newer = PolicyVersion.objects.filter(policy_id=OuterRef("policy_id"), major__gt=OuterRef("version__major"),
                                         status__in=LOCKED).filter(
        Q(effective_on__isnull=True) | Q(effective_on__lte=OuterRef("closed_on")))
    unsaid.filter(Exists(newer)).update(closed_reason="superseded")
    asked = Policy.objects.filter(sign_off_rule__isnull=False, current_version__isnull=False)
    unsaid.exclude(policy__in=asked).update(closed_reason="retired")
    unsaid.update(closed_reason="not_in_group")


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0013_seal_existing_evidence"),
        ("policies", "0006_version_quiz"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
