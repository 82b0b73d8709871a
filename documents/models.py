"""The PDF cache's index: which file an approved version's PDF is."""

from __future__ import annotations

from django.db import models

from policies.models import PolicyVersion


class VersionPdf(models.Model):
    """The key of an approved version's cached PDF, stored when it is first
    rendered so that a later download reads the file without working the key
    out again (four queries: the version table, related policies, legislation).

    `key` names the file and stands for everything drawn on its pages
    (documents.rendering.policy_document). `stamp` is a hash of the inputs read
    with the version in the download's one query (the template version, the
    version's status and superseded date, the policy's title and review cycle,
    its owner's name): when any of them differs, the key is worked out again.
    The inputs held in other rows (the version table, related policies,
    legislation, committee names) are watched by documents.receivers, which
    deletes the stored keys of every policy a change to them touches.

    Drafts are never stored: their text changes, so their key is worked out on
    each download (it includes the text's hash)."""

    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, primary_key=True, related_name="pdf")
    key = models.CharField(max_length=64)
    stamp = models.CharField(max_length=64)
    stored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "stored PDF key"

    def __str__(self) -> str:
        return f"PDF of version {self.version_id}: {self.key[:12]}"
