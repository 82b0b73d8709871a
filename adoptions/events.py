"""What adoptions tells the apps above it, so it need not know them.

`adoption_sent` is sent inside the transaction that seals an adoption's local
parts: approvals (approvals.adoption_decisions) opens the submission to the
school's committee, so the decision is made like any other and commits or
rolls back with the sending."""

from django.dispatch import Signal

# Sent with: adoption (now awaiting the local committee), committee, by (the User who sent it).
adoption_sent = Signal()
