from django.contrib import admin

from statutory.models import StatutoryItem


@admin.register(StatutoryItem)
class StatutoryItemAdmin(admin.ModelAdmin):
    """The items come from the DfE's list (manage.py load_statutory_items);
    here an administrator tags the policies that meet each."""

    list_display = ["name", "key", "approver", "review_text"]
    search_fields = ["name", "key"]
    filter_horizontal = ["policies"]
    readonly_fields = ["source"]
