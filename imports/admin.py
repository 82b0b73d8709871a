from django.contrib import admin

from imports.models import ImportBatch, ImportItem
from portal.admin_mixins import ReadOnlyAdminMixin


class _ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Imports are made on the import page (and removed by the daily run a
    month later); the admin only shows them."""


@admin.register(ImportBatch)
class ImportBatchAdmin(_ReadOnly):
    list_display = ["pk", "organisation", "created_by", "created_at"]


@admin.register(ImportItem)
class ImportItemAdmin(_ReadOnly):
    list_display = ["filename", "batch", "state", "policy"]
    list_filter = ["state"]
    exclude = ["data"]
