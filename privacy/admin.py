from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin
from privacy.models import PrivacyEvent


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: the log is the trust's evidence of how it handled requests."""

    list_display = ["at", "kind", "person", "performed_by"]
    list_filter = ["kind"]
