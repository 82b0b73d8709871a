from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from people.models import Organisation, Person, RoleAssignment, User
from people.sign_in import send_login_email_changed_notice


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data and form.initial.get("email"):
            # A login's address is its identity: if an administrator's account
            # (or a mistake) moves it, the old mailbox's owner hears at once.
            send_login_email_changed_notice(old=form.initial["email"], new=obj.email)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "school_type", "trust"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "email", "staff_group", "job_title", "start_date", "leave_date"]
    list_filter = ["staff_group", "schools", "has_it_account"]
    search_fields = ["first_name", "last_name", "email", "staff_id"]
    autocomplete_fields = ["user", "line_manager"]
    filter_horizontal = ["schools"]
    inlines = [RoleInline]

    # What a new or changed person owes is resynced once the save commits, by
    # acknowledgements.receivers (post_save and the schools' m2m_changed).

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # leavers are marked by their leave date, never deleted


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "organisation"]
    list_filter = ["role", "organisation"]
    autocomplete_fields = ["person"]
