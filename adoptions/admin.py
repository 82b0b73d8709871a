"""Adoptions are made on the adoption pages and decided by committees: the
admin shows them, with their local parts, and changes nothing."""

from django.contrib import admin

from adoptions.models import Adoption, LocalContact, LocalSection
from portal.admin_mixins import ReadOnlyAdminMixin


class LocalContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LocalContact
    extra = 0


class LocalSectionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = LocalSection
    extra = 0


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("policy", "school", "version", "status", "adopted_on", "committee")
    list_filter = ("status", "school")
    search_fields = ("policy__title", "school__name")
    inlines = [LocalContactInline, LocalSectionInline]
