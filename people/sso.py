"""Single sign-on glue for django-allauth: only staff the portal knows may
sign in, and a first Microsoft or Google sign-in links their staff record."""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import timezone

from people.models import Person

NOT_A_MEMBER_OF_STAFF = "This account's email address is not on the trust's staff list. Ask HR to add you."


def current_staff_record(email: str) -> Person | None:
    today = timezone.localdate()
    return Person.objects.in_post(on=today).filter(email__iexact=email).first()


class StaffOnlyAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").strip()
        return bool(email) and current_staff_record(email) is not None

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        person = current_staff_record(user.email)
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        return user
