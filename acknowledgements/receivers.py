from django.dispatch import receiver

from acknowledgements.services import sync_obligations
from policies.events import version_published


@receiver(version_published)
def owe_sign_offs_of_the_new_version(sender, version, previous, **kwargs) -> None:
    """A new major version is owed again by everyone who must sign it; a
    minor one moves open obligations to the new text without asking anyone
    who signed the major version to sign again."""
    sync_obligations(policy=version.policy)
