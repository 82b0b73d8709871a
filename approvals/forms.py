from django import forms

from approvals.models import Decision
from approvals.selectors import approving_committees
from policies.models import Audience, Committee, Policy
from policies.text import normalise_text


class DraftForm(forms.Form):
    body = forms.CharField(
        label="Policy text", widget=forms.Textarea(attrs={"rows": 24, "class": "editor"}),
        help_text="Markdown: '## 4. Security' for a numbered section, '4.1 ...' for a clause, '- ' for a bullet.",
    )
    is_major = forms.TypedChoiceField(
        label="Kind of revision", coerce=lambda v: v == "major", widget=forms.RadioSelect,
        choices=[("minor", "Minor: wording, contacts, corrections. Staff who signed need not sign again."),
                 ("major", "Major: changes what staff must do. Everyone who must sign it signs again.")],
    )
    reason = forms.CharField(label="Reason for revision", max_length=500, required=False)
    review_cycle_months = forms.TypedChoiceField(
        label="Review cycle", coerce=int, empty_value=None, required=False,
        choices=[("", "Not set"), (12, "Every year"), (24, "Every 2 years"), (36, "Every 3 years")],
    )
    audiences = forms.MultipleChoiceField(
        label="Who it is for", choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    effective_on = forms.DateField(
        label="Takes effect on", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to publish as soon as it is approved.",
    )
    next_review_on = forms.DateField(
        label="Next review", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty: it becomes the approval date plus the review cycle.",
    )

    def clean_body(self) -> str:
        # The browser posts the textarea with CRLF line endings.
        return normalise_text(self.cleaned_data["body"])


CHOOSE_A_COMMITTEE = "Choose the committee to send the draft to."
NOT_AN_APPROVING_COMMITTEE = "That committee does not approve this policy: choose one of the committees offered."


class SubmitForm(forms.Form):
    """Offers only the committees that may approve the policy, so a forged
    committee id is an invalid choice before the service refuses it too."""

    committee = forms.ModelChoiceField(
        label="Send to", queryset=Committee.objects.none(),
        error_messages={"required": CHOOSE_A_COMMITTEE, "invalid_choice": NOT_AN_APPROVING_COMMITTEE},
    )

    def __init__(self, *args, policy: Policy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = approving_committees(policy)


class VoteForm(forms.Form):
    decision = forms.ChoiceField(label="Your decision", choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Needed when you request changes or reject.")


class MeetingDecisionForm(VoteForm):
    decision = forms.ChoiceField(label="The meeting's decision", choices=Decision.choices, widget=forms.RadioSelect)
    meeting_date = forms.DateField(label="Meeting date", widget=forms.DateInput(attrs={"type": "date"}))
    minute_reference = forms.CharField(label="Minute reference", max_length=100)


class VoteLinkForm(forms.Form):
    """The decision on a voting link's page: approve, or request changes
    with a comment (a rejection is made in the portal or at a meeting)."""

    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[(Decision.APPROVE, "Approve"), (Decision.REQUEST_CHANGES, "Request changes")],
        error_messages={"required": "Choose approve or request changes.",
                        "invalid_choice": "Choose approve or request changes."},
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Needed when you request changes: say what should change.")

    def clean_comment(self) -> str:
        return normalise_text(self.cleaned_data["comment"])  # a browser's textarea posts CRLF
