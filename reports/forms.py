from django import forms

from people.models import StaffGroup
from reports.selectors import SORTS, OutstandingFilters


class OutstandingForm(forms.Form):
    school = forms.ChoiceField(label="School", required=False)
    policy = forms.ChoiceField(label="Policy", required=False)
    group = forms.ChoiceField(label="Staff group", required=False,
                              choices=[("", "All staff groups"), *StaffGroup.choices])
    # In the order the page shows them (report_filters.filter_fields writes them so).
    started_from = forms.DateField(label="Started from", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    started_to = forms.DateField(label="Started to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label="Overdue only", required=False)
    new_starters = forms.BooleanField(label="New starters only", required=False)
    closed = forms.BooleanField(label="Closed without signing", required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)
    desc = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, schools: list[tuple[str, str]], policies: list[tuple[str, str]], **kwargs):
        """schools and policies: (slug, name) pairs, in the order they are offered."""
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "All my schools"), *schools]
        self.fields["policy"].choices = [("", "All policies"), *policies]

    def filters(self) -> OutstandingFilters:
        if not self.is_valid():
            return OutstandingFilters()
        data = self.cleaned_data
        return OutstandingFilters(
            school=data["school"], policy=data["policy"], group=data["group"], overdue=data["overdue"],
            new_starters=data["new_starters"], started_from=data["started_from"], started_to=data["started_to"],
            sort=data["sort"] or "due", descending=data["desc"], closed=data["closed"],
        )
