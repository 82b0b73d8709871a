"""The upload form: which documents, for which trust or school."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from people.models import Organisation

ACCEPTED_EXTENSIONS = (".docx", ".md", ".markdown", ".txt")
UNSUPPORTED_FILE = "Choose a Word (.docx), Markdown (.md) or text (.txt) file."
FILE_TOO_LARGE = "That file is larger than {limit} MB; policy documents are far smaller."


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
