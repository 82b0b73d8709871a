"""Sign-offs: who must read and understand which policy, and the evidence
that they did."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from adoptions.models import Adoption
from people.models import Organisation, Person
from policies.models import Policy, PolicyVersion, VersionVariant


class SignOffRule(models.Model):
    """Who must sign a policy, and by when."""

    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="sign_off_rule")
    staff_groups = models.JSONField(default=list, help_text="Staff group codes who must sign.")
    schools = models.ManyToManyField(
        Organisation, blank=True, related_name="+",
        help_text="Only these schools' staff; empty means everyone the policy covers.",
    )
    new_starter_days = models.PositiveSmallIntegerField(
        default=14, help_text="New starters sign within this many days of their start date."
    )
    new_version_days = models.PositiveSmallIntegerField(
        default=30, help_text="Everyone signs a new major version within this many days of publication."
    )
    annual_from = models.DateField(
        null=True, blank=True,
        help_text="Everyone signs again each year from this date (e.g. 1 September for safeguarding).",
    )
    annual_days = models.PositiveSmallIntegerField(default=30)
    variant_groups = models.JSONField(
        default=dict, blank=True,
        help_text="Staff group code -> variant key, e.g. {\"volunteer\": \"annex-a\"}. Groups not named owe "
        "the full text; a key the current version lacks means the full text too.",
    )
    require_reaching_end = models.BooleanField(
        default=False,
        help_text="The person scrolls to the end of the text before the tick box can be ticked.",
    )

    history = HistoricalRecords(m2m_fields=[schools])

    def __str__(self) -> str:
        return f"Sign-off rule for {self.policy}"

    def summary(self) -> str:
        from people.models import StaffGroup

        labels = dict(StaffGroup.choices)
        who = ", ".join(labels.get(code, code) for code in self.staff_groups) or "nobody"
        text = (f"{who}: new starters within {self.new_starter_days} days; "
                f"each new major version within {self.new_version_days} days")
        if self.annual_from:
            text += f"; again every year from {self.annual_from:%-d %B}"
        return text + "."


class SignOffEvidenceError(Exception):
    """Raised on any attempt to change or delete a sign-off."""


SIGN_OFF_IS_EVIDENCE = "A sign-off is evidence and can never be changed or deleted."


class SignOffQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SignOffEvidenceError(SIGN_OFF_IS_EVIDENCE)

    def delete(self):
        raise SignOffEvidenceError(SIGN_OFF_IS_EVIDENCE)

    def erase_personal_details(self) -> int:
        """Retention's one permitted change: forget the address and browser a
        sign-off came from. The evidence (who, which version, its hash, the
        words and the date) stays; the PostgreSQL trigger allows nothing else."""
        return super().update(ip_address=None, user_agent="")


class SignOff(models.Model):
    """One person's "I have read and understood" for one exact version."""

    class Method(models.TextChoices):
        BROWSER = "browser", "Signed in the browser"
        RECORDED_BY_HR = "hr", "Paper form recorded by HR"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sign_offs")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="sign_offs")
    content_hash = models.CharField("SHA-256 of the text signed", max_length=64)
    statement = models.TextField(help_text="The words the person confirmed, exactly as shown.")
    period = models.CharField(
        max_length=10, blank=True, help_text="For yearly re-reading: the year, e.g. 2026. Empty otherwise."
    )
    signed_at = models.DateTimeField(help_text="UTC.")
    signed_on = models.DateField(help_text="The day signed (for paper forms, the date on the form).")
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # How the session that signed began. A session opened by an emailed link is
    # weaker evidence than a password or SSO: the link went to whoever holds
    # the mailbox, so the record says so.
    session_began_with = models.CharField(
        max_length=20, blank=True,
        choices=[("password", "Password"), ("link", "Emailed sign-in link"), ("sso", "Single sign-on")],
        help_text="How the signer's session began; empty for paper forms and older records.",
    )
    viewed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the signer first opened this text (their Viewing); empty for paper and older records.",
    )
    quiz_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The attempt that passed the version's check of understanding, if it had one.",
    )
    quiz_answers = models.JSONField(
        null=True, blank=True, help_text="The passing answers: the option index chosen for each question.",
    )
    # What exactly was signed, when it was not the version's full text: a
    # variant for the signer's audience (content_hash is then the variant's),
    # and/or the school's adopted copy (local_hash pins its local parts).
    variant = models.ForeignKey(
        VersionVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="sign_offs", db_index=False,
    )
    adoption = models.ForeignKey(
        Adoption, null=True, blank=True, on_delete=models.PROTECT, related_name="sign_offs", db_index=False,
    )
    local_hash = models.CharField("SHA-256 of the school's local parts signed", max_length=64, blank=True,
                                  db_default="")

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            # A double click, a resubmitted form or two tabs make one record.
            models.UniqueConstraint(fields=["person", "version", "period"], name="one_sign_off_per_version"),
        ]
        indexes = [
            models.Index(fields=["variant"], condition=models.Q(variant__isnull=False), name="sign_off_variant_idx"),
            models.Index(fields=["adoption"], condition=models.Q(adoption__isnull=False),
                         name="sign_off_adoption_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} signed {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise SignOffEvidenceError(SIGN_OFF_IS_EVIDENCE)
        from acknowledgements import chain  # chain reads this module's models

        with transaction.atomic(savepoint=False):  # sealed with the insert, whoever saves (the admin, the shell)
            super().save(*args, **kwargs)
            chain.seal_or_defer(self)

    def delete(self, *args, **kwargs):
        raise SignOffEvidenceError(SIGN_OFF_IS_EVIDENCE)


class ObligationQuerySet(models.QuerySet):
    """update() and delete() keep the kept counts right (acknowledgements.counts),
    whoever calls them: a service, the admin, the shell. bulk_create cannot
    tell what it wrote, so its callers wrap it in counts.tracking."""

    def owed(self, person, version) -> ObligationQuerySet:
        """The person's outstanding obligations for this exact version (one per
        period), the one query behind each caller's shape of the answer."""
        return self.filter(person=person, version=version, status=Obligation.Status.OUTSTANDING)

    def update(self, **kwargs) -> int:
        from acknowledgements import counts  # counts reads this module's models

        return counts.update_obligations(self, kwargs)

    update.alters_data = True

    def delete(self) -> tuple[int, dict[str, int]]:
        from acknowledgements import counts

        return counts.delete_obligations(self)

    delete.alters_data = True
    delete.queryset_only = True


class Obligation(models.Model):
    """A sign-off a person owes: derived from the rules by
    acknowledgements.services.sync_obligations, never typed in."""

    class Reason(models.TextChoices):
        NEW_STARTER = "new_starter", "New starter"
        NEW_VERSION = "new_version", "New major version"
        ANNUAL = "annual", "Yearly re-reading"

    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        SIGNED = "signed", "Signed"
        WITHDRAWN = "withdrawn", "No longer owed"

    class ClosedReason(models.TextChoices):
        """Why an obligation ended without a sign-off (status WITHDRAWN): its negative receipt."""

        LEFT = "left", "Left the trust"
        NOT_IN_GROUP = "not_in_group", "No longer in a group the rule names"
        POLICY_RETIRED = "retired", "Policy retired"
        SUPERSEDED = "superseded", "Superseded by a newer major version"
        EXEMPTED = "exempted", "Exempted by HR"
        REASSIGNED = "reassigned", "Reassigned"

    # No single-column indexes: (person, status) and (policy, status) lead
    # with them. Each index is written again whenever the reminder run moves
    # an obligation's next reminder date (every outstanding one, weekly).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="obligations", db_index=False)
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="obligations", db_index=False)
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="obligations")
    period = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    owed_since = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OUTSTANDING)
    sign_off = models.ForeignKey(SignOff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(
        max_length=20, choices=ClosedReason.choices, blank=True,
        help_text="Why it ended unsigned; empty while outstanding or once signed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The variant of the version this person owes (the rule maps their staff
    # group to it); empty: the full text.
    variant = models.ForeignKey(
        VersionVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations", db_index=False,
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "policy__title"]
        constraints = [
            # One open or signed obligation per person, version and period. A
            # closed one is history (its reason is its negative receipt): owing
            # the same version again is a new row, never the old one reopened.
            models.UniqueConstraint(fields=["person", "version", "period"], name="one_open_obligation_per_version",
                                    condition=models.Q(status__in=["outstanding", "signed"])),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["policy", "status"]),
            models.Index(fields=["status", "due_on"]),
            # Partial: most obligations owe the full text.
            models.Index(fields=["variant"], condition=models.Q(variant__isnull=False),
                         name="obligation_variant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} owes {self.version}"

    def save(self, *args, **kwargs) -> None:
        from acknowledgements import counts

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not counts.COUNTED_FIELDS & set(update_fields):
            super().save(*args, **kwargs)
            return
        with counts.tracking_obligation(self):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from acknowledgements import counts

        with counts.tracking_obligation(self):
            return super().delete(*args, **kwargs)



class SignOffCount(models.Model):
    """Kept counts for one school x version x staff group: how many of its
    obligations are signed, outstanding, and outstanding past their due date
    (as of CountsState.overdue_on). Maintained by the services that change
    obligations, in their transaction; checked nightly against a recount."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    staff_group = models.CharField(max_length=20)
    signed = models.IntegerField(default=0)
    outstanding = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "version", "staff_group"],
                                    name="one_count_per_school_version_group"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.version_id}/{self.staff_group}: {self.signed} signed, {self.outstanding} owed"


class PersonSignOffCount(models.Model):
    """Kept counts for one person: sign-offs owed, and how many are overdue
    (as of CountsState.overdue_on)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="sign_off_count")
    owed = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.owed} owed, {self.overdue} overdue"


class CountsState(models.Model):
    """One row: the day the kept counts' "overdue" figures are as of, and the
    last nightly recount's result."""

    overdue_on = models.DateField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    disagreements = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"counts overdue as of {self.overdue_on}"


# --------------------------------------------------------------------------- evidence (issue 19)


class EvidenceQuerySet(models.QuerySet):
    """Append-only records: no bulk change or delete from any caller."""

    def update(self, **kwargs):
        raise SignOffEvidenceError(EVIDENCE_IS_APPEND_ONLY)

    def delete(self):
        raise SignOffEvidenceError(EVIDENCE_IS_APPEND_ONLY)


EVIDENCE_IS_APPEND_ONLY = "This is evidence and can never be changed or deleted."


class AppendOnly(models.Model):
    """A row that is written once and never changed or deleted (the model
    refuses; on PostgreSQL a trigger refuses too: migration 0012)."""

    objects = EvidenceQuerySet.as_manager()
    SEALED = True  # saved into the evidence chain (acknowledgements.chain)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise SignOffEvidenceError(EVIDENCE_IS_APPEND_ONLY)
        from acknowledgements import chain  # chain reads this module's models

        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if self.SEALED:  # a viewing or an exemption joins the evidence chain; a link does not
                chain.seal_or_defer(self)

    def delete(self, *args, **kwargs):
        raise SignOffEvidenceError(EVIDENCE_IS_APPEND_ONLY)


class ViewingQuerySet(EvidenceQuerySet):
    def erase_personal_details(self) -> int:
        """Retention's one permitted change, as for sign-offs: forget the
        address and browser an anonymised leaver opened the text from (the
        PostgreSQL trigger allows nothing else, and only for them)."""
        return models.QuerySet.update(self, ip_address=None, user_agent="")


class Viewing(AppendOnly):
    """The first time a person opened the exact text of a version they owe
    (one per person, version, period and text: a yearly re-reading is viewed
    again, and so is a variant the person's group is mapped to after they
    opened the full text).
    Signing that obligation needs it first; the sign-off copies its time into
    SignOff.viewed_at. The address and browser are erasable by retention for
    an anonymised leaver, as a sign-off's are (and so are not sealed)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="viewings")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="viewings")
    period = models.CharField(max_length=10, blank=True)
    content_hash = models.CharField("SHA-256 of the text opened", max_length=64)
    variant = models.ForeignKey(
        VersionVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="viewings", db_index=False,
    )
    viewed_at = models.DateTimeField(help_text="UTC.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    objects = ViewingQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version", "period", "content_hash"],
                                    name="one_viewing_per_text"),
        ]
        indexes = [
            models.Index(fields=["variant"], condition=models.Q(variant__isnull=False), name="viewing_variant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} opened {self.version}"


class Exemption(AppendOnly):
    """HR's decision that a person need not sign one obligation, with the
    reason typed and who decided. The obligation is closed with
    closed_reason EXEMPTED; it is undone only by a new obligation, never by
    changing or deleting this."""

    obligation = models.OneToOneField("Obligation", on_delete=models.PROTECT, related_name="exemption")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exemptions")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10, blank=True)
    reason = models.TextField()
    exempted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exempted_at = models.DateTimeField(help_text="UTC.")

    class Meta:
        ordering = ["-exempted_at"]

    def __str__(self) -> str:
        return f"{self.person} exempted from {self.version}"


class QuizAttempt(models.Model):
    """One answer to a version's check of understanding (PolicyVersion.quiz):
    every attempt is kept, so HR can read first-time pass rates by question.
    answers[i] is the option index chosen for question i; correct[i] whether
    it was right."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quiz_attempts")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="quiz_attempts")
    period = models.CharField(max_length=10, blank=True)
    number = models.PositiveSmallIntegerField(help_text="1 for the first attempt.")
    answers = models.JSONField()
    correct = models.JSONField()
    passed = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["person", "version", "period", "number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version", "period", "number"], name="one_attempt_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.version}: attempt {self.number}"


class ChainHead(models.Model):
    """The end of one evidence chain (one per trust; `chain` names it, e.g.
    "trust-3"). Every write that seals a record locks this row (SELECT ...
    FOR UPDATE) until it commits, so two writers never extend the same link."""

    chain = models.CharField(max_length=40, primary_key=True)
    position = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} at {self.position}"


class EvidenceLink(AppendOnly):
    """One sealed record's place in its chain: record_hash is SHA-256 over
    previous_hash and the record's sealed fields (acknowledgements.chain), so
    editing or removing a record, or a link, breaks every check after it."""

    class Kind(models.TextChoices):
        SIGN_OFF = "sign_off", "Sign-off"
        VIEWING = "viewing", "Opened the text"
        EXEMPTION = "exemption", "Exemption"

    chain = models.CharField(max_length=40)
    position = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    record_id = models.BigIntegerField()
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    SEALED = False  # the chain itself

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="one_link_per_position"),
            models.UniqueConstraint(fields=["kind", "record_id"], name="one_link_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.chain} #{self.position}: {self.kind} {self.record_id}"


class EvidenceCheck(models.Model):
    """One run of verify_evidence: how many records, whether every chain is
    intact, and the first broken record named in words."""

    checked_at = models.DateTimeField()
    records = models.PositiveBigIntegerField(default=0)
    intact = models.BooleanField()
    first_broken = models.TextField(blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at}: {'intact' if self.intact else 'broken'}"
