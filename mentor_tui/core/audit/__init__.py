"""The audit log: who changed what, when, read back for admins."""
