"""Private mentorship notes: writing, due dates, and full-text search."""
