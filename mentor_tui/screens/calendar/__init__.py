"""The calendar, the session form, follow-ups and agenda templates."""
