"""The students list and one student's page."""
