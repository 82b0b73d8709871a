"""Domain events other apps act on, so the policy library need not know them.

`version_published` is sent inside the publishing transaction: whatever a
receiver writes (new sign-off obligations) commits or rolls back with it.
"""

from django.dispatch import Signal

# Sent with: version (the PolicyVersion just published), previous (the one it
# superseded, or None).
version_published = Signal()

# Sent with: version (the PolicyVersion whose text a signed-in user's page
# shows in the library), user, ip_address, user_agent. Acknowledgements
# records the first opening as evidence when the person owes that version.
version_text_opened = Signal()
