from django.contrib import admin

from privacy.models import PrivacyEvent


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(admin.ModelAdmin):
    """Read only: the log is the trust's evidence of how it handled requests."""

    list_display = ["at", "kind", "person", "performed_by"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
