"""The upload form: which documents (one, many, or a zip of them), for which
trust or school."""

from __future__ import annotations

from pathlib import PurePosixPath

from django import forms
from django.conf import settings

from imports import zips
from people.models import Organisation

ACCEPTED_EXTENSIONS = (".docx", ".md", ".markdown", ".txt")
UNSUPPORTED_FILE = "Choose a Word (.docx), Markdown (.md) or text (.txt) file."
FILE_TOO_LARGE = "That file is larger than {limit} MB; policy documents are far smaller."
TOO_MANY_FILES = "Choose at most {limit} documents at a time, or put them in a zip of at most {limit}."
NOTHING_TO_READ = "None of the files chosen is a Word (.docx), Markdown (.md) or text (.txt) document."
LEFT_OUT_NOT_A_DOCUMENT = "{name}: not a Word (.docx), Markdown (.md) or text (.txt) document."
LEFT_OUT_TOO_LARGE = "{name}: larger than {limit} MB; policy documents are far smaller."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's "Uploading multiple files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file among many is one that cannot be read, not a reason to refuse them all.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(d, initial) for d in data]
        return [single_clean(data, initial)]


class PolicyUploadForm(forms.Form):
    document = MultipleFileField(
        label="Policy documents",
        help_text="One or more Word (.docx), Markdown (.md) or text (.txt) files, or a .zip of them "
                  f"(up to {zips.MAX_FILES} documents).",
        widget=MultipleFileInput(attrs={"accept": ",".join((*ACCEPTED_EXTENSIONS, ".zip"))}),
    )
    organisation = forms.ModelChoiceField(
        label="Owned by",
        queryset=Organisation.objects.order_by("kind", "name"),
        empty_label=None,
        help_text="The trust for trust-wide policies, or the one school they belong to.",
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations.order_by("kind", "name")
        # Filled by clean_document: the documents to read, and what was left out.
        self.documents: list[tuple[str, bytes]] = []
        self.left_out: list[str] = []
        self.from_zip = False

    @property
    def is_single_document(self) -> bool:
        """One ordinary document: read at once, and opened in its own form."""
        return len(self.documents) == 1 and not self.from_zip and not self.left_out

    def clean_document(self):
        uploads = self.cleaned_data["document"]
        if len(uploads) > zips.MAX_FILES:
            raise forms.ValidationError(TOO_MANY_FILES.format(limit=zips.MAX_FILES))
        limit = settings.POLICY_UPLOAD_MAX_BYTES
        if len(uploads) == 1 and not zips.is_zip(uploads[0].name):
            # One document: its problem is the page's error, as it always was.
            upload = uploads[0]
            if PurePosixPath(upload.name).suffix.lower() not in ACCEPTED_EXTENSIONS:
                raise forms.ValidationError(UNSUPPORTED_FILE)
            if upload.size > limit:
                raise forms.ValidationError(FILE_TOO_LARGE.format(limit=limit // (1024 * 1024)))
        total = 0
        for upload in uploads:
            name = zips.base_name(upload.name) or "document"
            if zips.is_zip(name):
                self._take_zip(name, upload)
            elif zips.is_litter(name):
                continue
            elif not zips.is_document(name):
                self.left_out.append(LEFT_OUT_NOT_A_DOCUMENT.format(name=name))
            elif upload.size > limit:
                self.left_out.append(LEFT_OUT_TOO_LARGE.format(name=name, limit=limit // (1024 * 1024)))
            else:
                self.documents.append((name, upload.read()))
            total += upload.size
            if total > zips.MAX_TOTAL_BYTES:
                raise forms.ValidationError(
                    zips.TOO_LARGE_IN_TOTAL.format(name="The upload", limit=zips.MAX_TOTAL_BYTES // (1024 * 1024)))
        if len(self.documents) > zips.MAX_FILES:
            raise forms.ValidationError(TOO_MANY_FILES.format(limit=zips.MAX_FILES))
        if not self.documents:
            raise forms.ValidationError(NOTHING_TO_READ if not self.left_out else
                                        [NOTHING_TO_READ, *self.left_out])
        return uploads

    def _take_zip(self, name: str, upload) -> None:
        if upload.size > zips.MAX_TOTAL_BYTES:
            raise forms.ValidationError(
                zips.TOO_LARGE_IN_TOTAL.format(name=name, limit=zips.MAX_TOTAL_BYTES // (1024 * 1024)))
        try:
            unpacked = zips.unpack_zip(name, upload.read(),
                                       max_files=zips.MAX_FILES - len(self.documents))
        except zips.ZipRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        self.from_zip = True
        self.documents.extend(unpacked.documents)
        self.left_out.extend(f"{name}, {note}" for note in unpacked.left_out)
