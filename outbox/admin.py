from django.contrib import admin

from outbox.models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Emails that failed for good show here for an administrator to act on.
    Not ReadOnlyAdminMixin: "Send again" needs the change permission."""

    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send again")
    def retry(self, request, queryset):
        updated = queryset.filter(status=OutboxEmail.Status.FAILED).update(
            status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=None
        )
        self.message_user(request, f"{updated} email(s) queued to send again.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
