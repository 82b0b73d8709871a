from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from approvals.models import CommitteeMember, Submission, Vote
from portal.admin_mixins import ReadOnlyAdminMixin


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["person", "committee", "role"]
    list_filter = ["committee", "role"]
    autocomplete_fields = ["person", "committee"]


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    can_delete = False
    readonly_fields = ["person", "decision", "comment", "recorded_for_meeting", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The record of decisions: decided through the portal, read here."""

    list_display = ["version", "committee", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "committee"]
    inlines = [VoteInline]
