from django import forms

CSV_ONLY = "Choose a CSV file (.csv) exported from your HR or MIS system."
CSV_TOO_LARGE = "That file is larger than 5 MB; a staff list is far smaller."
MAX_CSV_BYTES = 5 * 1024 * 1024


class StaffCsvForm(forms.Form):
    file = forms.FileField(
        label="Staff CSV file",
        help_text="A header row, then one person per row: first name, last name, work email, school, staff group, "
        "and optionally job title, start date, leave date, line manager and staff ID.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(CSV_ONLY)
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(CSV_TOO_LARGE)
        return upload


class ConfirmStaffImportForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    school = forms.ChoiceField(label="School", required=False)
    include_leavers = forms.BooleanField(label="Include leavers", required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "All my schools")] + [(s.slug, s.name) for s in schools]
