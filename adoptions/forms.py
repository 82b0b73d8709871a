"""The adoption pages' forms: field validation only; the rules are the services'."""

from __future__ import annotations

from django import forms

from adoptions.models import LocalSection


class ContactForm(forms.Form):
    role = forms.CharField(max_length=200, help_text="e.g. Designated Safeguarding Lead.")
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)


class LocalSectionForm(forms.Form):
    kind = forms.ChoiceField(label="What it does", choices=LocalSection.Kind.choices, widget=forms.RadioSelect,
                             initial=LocalSection.Kind.ADDS_TO)
    section = forms.CharField(label="Trust section", max_length=300,
                              help_text="The section of the trust's text it adds to or replaces.")
    body = forms.CharField(label="Local text", widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="Markdown. What your school says in this place.")

    def __init__(self, *args, headings: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].widget = forms.Select(choices=[(h, h) for h in headings])
