"""What adoptions does when the library changes: a new major trust version
asks every school that adopted an earlier one to adopt again; a minor one
carries their adoptions forward."""

from __future__ import annotations

import datetime

from django.dispatch import receiver
from django.utils import timezone

from adoptions import services
from policies.events import version_published


@receiver(version_published, dispatch_uid="adoptions.readopt_on_major_version")
def readopt_on_major_version(sender, version, previous=None, **kwargs) -> None:
    # Inside the publishing transaction: the marks and the emails commit or roll back with it.
    services.ask_to_readopt(version=version, today=_published_on(previous))


@receiver(version_published, dispatch_uid="adoptions.carry_forward_on_minor_version")
def carry_forward_on_minor_version(sender, version, previous=None, **kwargs) -> None:
    services.carry_forward(version=version, today=_published_on(previous))


def _published_on(previous) -> datetime.date:
    # The day the version it replaced stopped applying.
    return (previous.superseded_on if previous is not None else None) or timezone.localdate()
