import datetime

from django import forms
from django.db.models import QuerySet

from acknowledgements.services import PAPER_IN_FUTURE, PAPER_NOT_OWED
from policies.models import PolicyVersion

MUST_CONFIRM = "Tick the box to confirm you have read and understood the policy."


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=True, error_messages={"required": MUST_CONFIRM})


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
