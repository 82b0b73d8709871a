"""Sign-offs ("I have read and understood") live here; see issue 3."""
