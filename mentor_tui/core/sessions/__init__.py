"""Sessions: scheduling and its rules (clashes, time zones), what screens read, follow-ups, reminders, agenda templates, free slots and iCalendar."""
