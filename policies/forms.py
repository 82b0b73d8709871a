from __future__ import annotations

from django import forms

from people.models import Organisation
from policies.models import Category
from policies.selectors import LibraryFilters, ReviewStatus


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
