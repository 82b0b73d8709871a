import datetime

from django import forms
from django.db.models import QuerySet

from acknowledgements.models import SignOffRule
from acknowledgements.services import PAPER_IN_FUTURE, PAPER_NOT_OWED
from policies.models import PolicyVersion, VersionVariant

MUST_CONFIRM = "Tick the box to confirm you have read and understood the policy."


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=True, error_messages={"required": MUST_CONFIRM})


ANSWER_EVERY_QUESTION = "Choose an answer to every question."


class QuizForm(forms.Form):
    """One radio group per question of the version's check of understanding
    (acknowledgements.quiz.Question); the answers are option indexes."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.number}"] = forms.TypedChoiceField(
                label=question.text, coerce=int, widget=forms.RadioSelect,
                choices=[(str(i), option) for i, option in enumerate(question.options)],
                error_messages={"required": ANSWER_EVERY_QUESTION, "invalid_choice": ANSWER_EVERY_QUESTION},
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{q.number}"] for q in self.questions]


class PaperSignOffForm(forms.Form):
    """Field checks only; which versions and dates are allowed is decided by
    acknowledgements.services.record_paper_sign_off (and its versions list)."""

    version = forms.ModelChoiceField(
        label="Policy and version signed", queryset=PolicyVersion.objects.none(),
        error_messages={"invalid_choice": PAPER_NOT_OWED},
    )
    signed_on = forms.DateField(
        label="Date on the signed form", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the person signed the paper form: on or after the version was published, and not "
                  "after today.",
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example where the paper form is filed.",
    )

    def __init__(self, *args, versions: QuerySet[PolicyVersion], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"{v.policy.title}, version {v.label}"
        self.fields["signed_on"].widget.attrs["max"] = today.isoformat()

    def clean_signed_on(self) -> datetime.date:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > self.today:
            raise forms.ValidationError(PAPER_IN_FUTURE)
        return signed_on


class ExemptForm(forms.Form):
    """The reason box; acknowledgements.exemptions.clean_reason decides what a
    reason may be (required, trimmed, at most 1,000 characters)."""

    reason = forms.CharField(
        label="Why need they not sign it?", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        # The reason is sealed evidence that retention cannot erase, so it
        # must not become a store of health or other special-category data.
        help_text="Kept for good with the exemption and shown on their record (the outstanding list and the CSV say "
                  "“Exempted by HR”). Write the reason in general terms, such as “long-term absence”, never a "
                  "diagnosis or other health details. At most 1,000 characters.",
    )


VARIANT_GROUPS_NOT_A_MAPPING = (
    "Write the variants as staff group code: variant key pairs, e.g. {\"volunteer\": \"annex-a\"}."
)
VARIANT_GROUP_NOT_COVERED = (
    "The staff group “{group}” is not one this rule covers ({groups}): add it to the staff groups, "
    "or take it out of the variants."
)
VARIANT_KEY_UNKNOWN = (
    "No version of this policy has a variant with the key “{key}” (for “{group}”): add the variant to the draft "
    "first, or check the key."
)


class SignOffRuleForm(forms.ModelForm):
    """The admin's sign-off rule: its variants for audiences map only staff
    groups the rule covers, to keys a version of the policy has."""

    class Meta:
        model = SignOffRule
        fields = "__all__"  # noqa: DJ007  (the admin's form: every field of the rule, as before)

    def clean(self) -> dict:
        cleaned = super().clean()
        mapping, policy = cleaned.get("variant_groups") or {}, cleaned.get("policy")
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            self.add_error("variant_groups", VARIANT_GROUPS_NOT_A_MAPPING)
            return cleaned
        groups = list(cleaned.get("staff_groups") or [])
        keys = set(VersionVariant.objects.filter(version__policy=policy).values_list("key", flat=True)) \
            if policy is not None else set()
        for group, key in mapping.items():
            if group not in groups:
                self.add_error("variant_groups", VARIANT_GROUP_NOT_COVERED.format(
                    group=group, groups=", ".join(groups) or "none"))
            elif key not in keys:
                self.add_error("variant_groups", VARIANT_KEY_UNKNOWN.format(key=key, group=group))
        return cleaned
