from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from policies.models import Committee, Legislation, Policy, PolicyVersion, RelatedPolicyName


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "organisation", "decision_mode", "quorum"]
    list_filter = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "short_name"]


@admin.register(Legislation)
class LegislationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class RelatedNameInline(admin.TabularInline):
    model = RelatedPolicyName
    extra = 0


class VersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ["label", "status", "approved_on", "committee", "reason", "author", "next_review_on"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "category", "owner", "next_review_on", "is_public"]
    list_filter = ["organisation", "category", "is_public"]
    search_fields = ["title", "slug"]
    readonly_fields = ["current_version", "next_review_on"]
    autocomplete_fields = ["owner", "related", "legislation"]
    inlines = [VersionInline, RelatedNameInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    list_display = ["policy", "label", "status", "approved_on", "committee", "next_review_on"]
    list_filter = ["status", "committee"]
    search_fields = ["policy__title", "label"]
    readonly_fields = ["content_hash", "superseded_on", "created_at"]

    # An approved version is evidence: the admin shows it but cannot change it.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_locked)
