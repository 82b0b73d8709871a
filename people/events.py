"""Domain events other apps act on, so people need not know them (as
policies/events.py does for the policy library).

`staff_imported` is sent inside the import's transaction: whatever a receiver
writes (the sign-offs the new and changed people owe) commits or rolls back
with the import.
"""

from django.dispatch import Signal

# Sent with: people (the ids of the staff records the import created or
# changed; never empty). The import writes in bulk, which sends no model
# signals, so this is the only word other apps get of it.
staff_imported = Signal()
