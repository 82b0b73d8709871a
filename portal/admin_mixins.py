"""What every read-only admin page shares."""

from __future__ import annotations

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Evidence and records made elsewhere (sign-offs, votes, the outbox,
    imports): the admin shows them and neither adds, changes nor deletes."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
