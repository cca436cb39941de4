"""Figures: the dashboard's parts (``dashboard``) and one student's page (``student_view``),
built on the people's progress figures (``core.people.progress``)."""
