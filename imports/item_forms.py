"""The correction form: what was read, for the person to put right before
anything is saved. Its cleaned values are the corrections JSON
(imports.corrections); the form checks fields, the saving checks rules."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet

from people.models import Organisation, Person, StaffGroup
from policies.models import Category

LABEL_TOO_LONG = "A version label is at most 20 characters."
LABEL_WITH_SLASH = "A version label cannot contain “/”."
LABEL_TWICE = "Version {label} is in the table twice; correct or remove one of the rows."
OWNER_ELSEWHERE = "Choose an owner who works for {organisation}."
NOBODY_OR_GROUPS = "Choose who must sign, or tick “Nobody signs this policy”."
ADDED_ROW_WITHOUT_LABEL = "Give the added row a version number, or leave it empty."
TABLE_TAMPERED = "The version table was changed outside this page; reload the page and correct it again."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _lines(text: str) -> list[str]:
    seen: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and line.lower() not in {s.lower() for s in seen}:
            seen.append(line[:300])
    return seen


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.job_title})" if obj.job_title else obj.full_name


class ItemCorrectionForm(forms.Form):
    title = forms.CharField(max_length=300)
    organisation = forms.ModelChoiceField(label="School or trust", queryset=Organisation.objects.none(),
                                          empty_label=None)
    owner = OwnerChoiceField(label="Owner", queryset=Person.objects.none(), required=False,
                             empty_label="Nobody yet")
    category = forms.ChoiceField(choices=Category.choices)
    review_cycle_months = forms.IntegerField(label="Review cycle (months)", min_value=1, max_value=120,
                                             required=False)
    next_review_on = forms.DateField(label="Next review", required=False, widget=DateInput())
    related_policies = forms.CharField(label="Related policies", required=False, help_text="One per line.",
                                       widget=forms.Textarea(attrs={"rows": 4}))
    legislation = forms.CharField(label="Legislation and guidance", required=False, help_text="One per line.",
                                  widget=forms.Textarea(attrs={"rows": 4}))
    # Who must sign: applied to a new policy when it is imported.
    nobody_signs = forms.BooleanField(label="Nobody signs this policy", required=False,
                                      help_text="For example a governance policy staff are not asked to sign.")
    staff_groups = forms.MultipleChoiceField(label="Staff groups who must sign", choices=StaffGroup.choices,
                                             required=False, widget=forms.CheckboxSelectMultiple)
    new_starter_days = forms.IntegerField(label="New starters sign within (days)", min_value=1, max_value=365)
    new_version_days = forms.IntegerField(label="Everyone signs a new major version within (days)",
                                          min_value=1, max_value=365)
    annual_from = forms.DateField(label="Everyone signs again each year from (optional)", required=False,
                                  widget=DateInput())

    def __init__(self, *args, organisations: QuerySet[Organisation], people: QuerySet[Person] | None,
                 owners_by_organisation: dict[int, set[int]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("kind", "name")
        if people is None:  # a draft someone imports is theirs to send for approval
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = people
        self.owners_by_organisation = owners_by_organisation or {}

    def clean_related_policies(self) -> list[str]:
        return _lines(self.cleaned_data["related_policies"])

    def clean_legislation(self) -> list[str]:
        return _lines(self.cleaned_data["legislation"])

    def clean(self):
        data = super().clean()
        owner, organisation = data.get("owner"), data.get("organisation")
        if owner is not None and organisation is not None:
            if owner.pk not in self.owners_by_organisation.get(organisation.pk, set()):
                self.add_error("owner", OWNER_ELSEWHERE.format(organisation=organisation.name))
        if not data.get("nobody_signs") and not data.get("staff_groups") and "staff_groups" not in self.errors:
            self.add_error("staff_groups", NOBODY_OR_GROUPS)
        return data


class VersionRowForm(forms.Form):
    source = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    version = forms.CharField(label="Version", required=False, max_length=20,
                              error_messages={"max_length": LABEL_TOO_LONG})
    approved_on = forms.DateField(label="Date approved", required=False, widget=DateInput())
    approved_by = forms.CharField(label="Approved by", required=False, max_length=200)
    reason = forms.CharField(label="Reason for revision", required=False, max_length=500)
    author = forms.CharField(label="Author", required=False, max_length=200)

    def clean_version(self) -> str:
        label = " ".join(self.cleaned_data["version"].split())
        if "/" in label:
            raise forms.ValidationError(LABEL_WITH_SLASH)
        return label

    def clean(self):
        data = super().clean()
        if data.get("source") is None and not data.get("version") and "version" not in self.errors:
            self.add_error("version", ADDED_ROW_WITHOUT_LABEL)
        return data


class BaseVersionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        sources = [form.cleaned_data.get("source") for form in self.forms if form.cleaned_data]
        if len([s for s in sources if s is not None]) != len({s for s in sources if s is not None}):
            raise forms.ValidationError(TABLE_TAMPERED)
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            label = form.cleaned_data.get("version")
            if not label:
                continue
            if label in seen:
                raise forms.ValidationError(LABEL_TWICE.format(label=label))
            seen.add(label)


VersionFormSet = forms.formset_factory(VersionRowForm, formset=BaseVersionFormSet, extra=1, can_delete=True,
                                       max_num=100, validate_max=True)


def initial_from(values: dict) -> tuple[dict, list[dict]]:
    """The form's and the version table's initial data from the corrections shape."""
    sign_off = values["sign_off"]
    initial = {
        "title": values["title"], "organisation": values["organisation"], "owner": values["owner"],
        "category": values["category"], "review_cycle_months": values["review_cycle_months"],
        "next_review_on": values["next_review_on"],
        "related_policies": "\n".join(values["related_policies"]), "legislation": "\n".join(values["legislation"]),
        "nobody_signs": sign_off["nobody"], "staff_groups": sign_off["staff_groups"],
        "new_starter_days": sign_off["new_starter_days"], "new_version_days": sign_off["new_version_days"],
        "annual_from": sign_off["annual_from"],
    }
    return initial, [dict(row) for row in values["versions"]]


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def values_from(form: ItemCorrectionForm, versions: BaseVersionFormSet, *, owner_unchanged: int | None) -> dict:
    """The corrections shape from valid forms. `owner_unchanged` stands in
    where the form has no owner field."""
    data = form.cleaned_data
    owner = data["owner"].pk if "owner" in form.fields and data.get("owner") else None
    if "owner" not in form.fields:
        owner = owner_unchanged
    rows = []
    for row_form in versions.forms:
        row = row_form.cleaned_data
        if not row or versions._should_delete_form(row_form):
            continue
        rows.append({"source": row.get("source"), "version": row["version"], "approved_on": _iso(row["approved_on"]),
                     "approved_by": row["approved_by"], "reason": row["reason"], "author": row["author"]})
    return {
        "title": " ".join(data["title"].split()), "organisation": data["organisation"].pk, "owner": owner,
        "category": data["category"], "review_cycle_months": data["review_cycle_months"],
        "next_review_on": _iso(data["next_review_on"]),
        "related_policies": data["related_policies"], "legislation": data["legislation"],
        "versions": rows,
        "sign_off": {"nobody": data["nobody_signs"], "staff_groups": [] if data["nobody_signs"] else
                     data["staff_groups"], "new_starter_days": data["new_starter_days"],
                     "new_version_days": data["new_version_days"],
                     "annual_from": None if data["nobody_signs"] else _iso(data["annual_from"])},
    }
