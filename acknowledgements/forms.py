from django import forms

from people.models import Person
from policies.models import PolicyVersion

MUST_CONFIRM = "Tick the box to confirm you have read and understood the policy."


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=True, error_messages={"required": MUST_CONFIRM})


class PaperSignOffForm(forms.Form):
    version = forms.ModelChoiceField(
        label="Policy and version signed",
        queryset=PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("policy")
        .order_by("policy__title"),
    )
    signed_on = forms.DateField(
        label="Date on the signed form", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the person signed the paper form.",
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example where the paper form is filed.",
    )

    def __init__(self, *args, person: Person, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.today = person, today
        self.fields["version"].label_from_instance = lambda v: f"{v.policy.title}, version {v.label}"

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > self.today:
            raise forms.ValidationError("The date signed cannot be in the future.")
        return signed_on
