from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin
from reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "key", "skipped", "created_at"]
    list_filter = ["kind", "skipped"]
    search_fields = ["key"]
