from __future__ import annotations

from django import forms

from people.models import Organisation
from policies.models import Category
from policies.quiz import MAX_OPTIONS, MAX_QUESTIONS, TOO_MANY_QUESTIONS
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


class QuizQuestionForm(forms.Form):
    """One question of a draft's check of understanding: up to five option
    boxes (empty ones after the last are ignored) and a radio button for the
    one right answer, so no script is needed to write one."""

    question = forms.CharField(label="Question", max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.TypedChoiceField(
        label="Right answer", coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
        choices=[(i, f"Option {i + 1}") for i in range(MAX_OPTIONS)],
    )
    section = forms.ChoiceField(label="Section to re-read if answered wrongly", required=False)

    def __init__(self, *args, headings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_OPTIONS):
            self.fields[f"option_{i}"] = forms.CharField(label=f"Option {i + 1}", max_length=300, required=False)
        self.fields["section"].choices = [("", "Choose a section"), *((h, h) for h in headings)]
        self.order_fields(["question", *(f"option_{i}" for i in range(MAX_OPTIONS)), "answer", "section"])

    @classmethod
    def initial_for(cls, item: dict) -> dict:
        options = list(item.get("options", []))
        return {"question": item.get("question", ""), "answer": item.get("answer"), "section": item.get("section", ""),
                **{f"option_{i}": text for i, text in enumerate(options)}}

    def option_fields(self) -> list:
        return [self[f"option_{i}"] for i in range(MAX_OPTIONS)]

    def as_item(self) -> dict:
        data = self.cleaned_data
        return {"question": data.get("question", ""), "options": [data.get(f"option_{i}", "") for i in
                                                                   range(MAX_OPTIONS)],
                "answer": data.get("answer"), "section": data.get("section", "")}


class BaseQuizFormSet(forms.BaseFormSet):
    def __init__(self, *args, headings: list[str], **kwargs):
        self.headings = headings
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "headings": self.headings}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, headings=self.headings)
        self.add_fields(form, None)
        return form

    default_error_messages = {**forms.BaseFormSet.default_error_messages, "too_many_forms": TOO_MANY_QUESTIONS}

    def kept(self) -> list[tuple[forms.Form, dict]]:
        """Each question kept, with its form: not ticked for removal, and not
        a row left blank."""
        kept = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            item = form.as_item()
            if item["question"].strip() or any(o.strip() for o in item["options"]) or item["section"] \
                    or item["answer"] is not None:
                kept.append((form, item))
        return kept


QuizFormSet = forms.formset_factory(
    QuizQuestionForm, formset=BaseQuizFormSet, extra=1, can_delete=True, max_num=MAX_QUESTIONS,
    validate_max=True, absolute_max=MAX_QUESTIONS + 5,
)
