"""Drafts of unsaved editor text, and when to write them (issue 15: nothing typed is lost)."""
