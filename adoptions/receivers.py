"""What adoptions does when the library changes: a new major trust version
asks every school that adopted an earlier one to adopt again."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from adoptions import notifications, services
from policies.events import version_published


@receiver(version_published, dispatch_uid="adoptions.readopt_on_major_version")
def readopt_on_major_version(sender, version, previous=None, **kwargs) -> None:
    # Inside the publishing transaction: the marks and the emails commit or roll back with it.
    # The day it was published: the day the version it replaced stopped applying.
    today = (previous.superseded_on if previous is not None else None) or timezone.localdate()
    for adoption in services.ask_to_readopt(version=version, today=today):
        notifications.readoption_asked(adoption, version=version)
