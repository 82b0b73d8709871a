from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from acknowledgements.forms import SignOffRuleForm
from acknowledgements.models import Obligation, SignOff, SignOffRule
from portal.admin_mixins import ReadOnlyAdminMixin


@admin.register(SignOffRule)
class SignOffRuleAdmin(SimpleHistoryAdmin):
    form = SignOffRuleForm  # says plainly when a variant names a group the rule lacks or a key no version has
    list_display = ["policy", "new_starter_days", "new_version_days", "annual_from", "require_reaching_end"]
    list_filter = ["require_reaching_end"]
    autocomplete_fields = ["policy"]
    filter_horizontal = ["schools"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evidence: shown, never changed or deleted, not even by a superuser."""

    list_display = ["person", "version", "signed_on", "method", "recorded_by"]
    list_filter = ["method", "version__policy"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    date_hierarchy = "signed_at"


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Derived from the rules; read-only here."""

    list_display = ["person", "policy", "version", "reason", "due_on", "status"]
    list_filter = ["status", "reason", "policy"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
