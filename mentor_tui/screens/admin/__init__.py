"""The admin area: mentors, assignment, matching, unavailability and CSV import."""
