from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from policies.models import (
    VARIANT_IS_LOCKED,
    Committee,
    Legislation,
    Policy,
    PolicyVersion,
    RelatedPolicyName,
    VersionVariant,
)
from policies.text import normalise_text

QUORUM_ABOVE_MEMBERS = (
    "The {committee} needs {quorum} approvals but has {members} members who vote: no draft can be approved "
    "by it until enough members are added or the quorum is lowered."
)


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "organisation", "decision_mode", "threshold", "quorum",
                    "allows_single_approver"]
    list_filter = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "short_name"]

    def save_model(self, request, obj: Committee, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Allowed (members are added after the committee is made), but a
        # draft sent to it now would be refused: say so while it is fresh.
        members = obj.members.filter(role="member").count()  # approvals.CommitteeMember, by its reverse name
        if (obj.decision_mode == Committee.DecisionMode.QUORUM and obj.threshold == Committee.Threshold.M_OF_N
                and obj.quorum > members):
            self.message_user(request, QUORUM_ABOVE_MEMBERS.format(committee=obj, quorum=obj.quorum,
                                                                   members=members), messages.WARNING)


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


WRONG_LEVEL_COMMITTEE = (
    "{committees} cannot approve this policy: a trust-wide policy is approved by the trust's committees, "
    "a school's policy by that school's or the trust's."
)


class PolicyAdminForm(forms.ModelForm):
    """The admin builds the fields from PolicyAdmin; this adds the committee rule."""

    def clean(self) -> dict:
        cleaned = super().clean()
        organisation, chosen = cleaned.get("organisation"), cleaned.get("approving_committees")
        if organisation is not None and chosen:
            allowed = {organisation.pk} if organisation.is_trust else {organisation.pk, organisation.trust_id}
            wrong = [committee.name for committee in chosen if committee.organisation_id not in allowed]
            if wrong:
                self.add_error("approving_committees", WRONG_LEVEL_COMMITTEE.format(committees=", ".join(wrong)))
        return cleaned


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "category", "owner", "next_review_on", "is_public"]
    list_filter = ["organisation", "category", "is_public"]
    search_fields = ["title", "slug"]
    readonly_fields = ["current_version", "next_review_on"]
    autocomplete_fields = ["owner", "related", "legislation", "approving_committees"]
    inlines = [VersionInline, RelatedNameInline]
    form = PolicyAdminForm


class PolicyVersionAdminForm(forms.ModelForm):
    """The admin's textarea posts CRLF like any browser's: store the one
    canonical form, as the draft form does."""

    def clean_body(self) -> str:
        return normalise_text(self.cleaned_data["body"])


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    form = PolicyVersionAdminForm
    list_display = ["policy", "label", "status", "approved_on", "committee", "next_review_on"]
    list_filter = ["status", "committee"]
    search_fields = ["policy__title", "label"]
    readonly_fields = ["content_hash", "superseded_on", "created_at"]

    # An approved version is evidence: the admin shows it but cannot change it.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_locked)


class VersionVariantAdminForm(PolicyVersionAdminForm):
    """The same CRLF-safe body; a variant is added only to a version not yet approved."""

    def clean_version(self) -> PolicyVersion:
        version = self.cleaned_data["version"]
        if version.is_locked:
            raise forms.ValidationError(VARIANT_IS_LOCKED.format(label=version.label, policy=version.policy,
                                                                 key=self.data.get("key", "")))
        return version


@admin.register(VersionVariant)
class VersionVariantAdmin(SimpleHistoryAdmin):
    """A version's variants for audiences: editable while the version is a
    draft, shown but locked once it is approved (the model refuses too)."""

    form = VersionVariantAdminForm
    list_display = ["version", "key", "title"]
    search_fields = ["version__policy__title", "key", "title"]
    autocomplete_fields = ["version"]
    readonly_fields = ["content_hash", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.version.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.version.is_locked)
