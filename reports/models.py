from django.db import models


class ComplianceSnapshot(models.Model):
    """The dashboard's figures for one HR scope, refreshed by the worker every
    few minutes: aggregating millions of obligations per page view is too slow."""

    scope_key = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        # The table was created while reports lived in acknowledgements; it
        # keeps its name so the move needed no copy (and the grants by table
        # name in portal/database_roles.py still hold).
        db_table = "acknowledgements_compliancesnapshot"

    def __str__(self) -> str:
        return f"Compliance figures {self.scope_key[:8]} at {self.computed_at:%Y-%m-%d %H:%M}"
