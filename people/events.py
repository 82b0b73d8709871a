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

# Sent with: people (the ids of existing staff records the import is about to
# change; never empty), inside the import's transaction before it writes, so
# other apps can note what those records were (the kept sign-off counts move
# with a person's schools, staff group and leave date). staff_imported follows.
staff_changing = Signal()
