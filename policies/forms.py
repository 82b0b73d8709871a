from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from people.models import Organisation
from policies.models import Category
from policies.selectors import LibraryFilters, ReviewStatus

ACCEPTED_EXTENSIONS = (".docx", ".md", ".markdown", ".txt")
UNSUPPORTED_FILE = "Choose a Word (.docx), Markdown (.md) or text (.txt) file."
FILE_TOO_LARGE = "That file is larger than {limit} MB; policy documents are far smaller."


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search titles and text", required=False, max_length=200)
    school = forms.ChoiceField(label="School", required=False)
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "All categories"), *Category.choices]
    )
    review = forms.ChoiceField(
        label="Review status",
        required=False,
        choices=[("", "Any review status")] + [(s.value, s.label) for s in ReviewStatus],
    )

    def __init__(self, *args, schools: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "All schools")] + [(s.slug, s.name) for s in schools]

    def filters(self) -> LibraryFilters:
        if not self.is_valid():
            return LibraryFilters()
        data = self.cleaned_data
        return LibraryFilters(
            query=data["q"].strip(), school=data["school"], category=data["category"], review=data["review"]
        )


class PolicyUploadForm(forms.Form):
    document = forms.FileField(
        label="Policy document",
        help_text="Word (.docx), Markdown (.md) or plain text (.txt).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    organisation = forms.ModelChoiceField(
        label="Owned by",
        queryset=Organisation.objects.order_by("kind", "name"),
        empty_label=None,
        help_text="The trust for a trust-wide policy, or the one school it belongs to.",
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations.order_by("kind", "name")

    def clean_document(self):
        document = self.cleaned_data["document"]
        if Path(document.name).suffix.lower() not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(UNSUPPORTED_FILE)
        limit = settings.POLICY_UPLOAD_MAX_BYTES
        if document.size > limit:
            raise forms.ValidationError(FILE_TOO_LARGE.format(limit=limit // (1024 * 1024)))
        return document


class ConfirmImportForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
