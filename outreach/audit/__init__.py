"""The audit log as admins read it: who did what, when, to which event."""
