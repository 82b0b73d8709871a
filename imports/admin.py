from django.contrib import admin

from imports.models import ImportBatch, ImportItem


class _ReadOnly(admin.ModelAdmin):
    """Imports are made on the import page; the admin only shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(_ReadOnly):
    list_display = ["pk", "organisation", "created_by", "created_at"]


@admin.register(ImportItem)
class ImportItemAdmin(_ReadOnly):
    list_display = ["filename", "batch", "state", "policy"]
    list_filter = ["state"]
    exclude = ["data"]
